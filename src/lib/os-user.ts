/**
 * @module lib/os-user
 * The unprivileged system account that runs PostgreSQL. PostgreSQL refuses to run as root; when
 * Ward itself runs as root it creates (once) a system user with no shell and no home and runs
 * every cluster as that user. When Ward runs as an ordinary user, clusters run as that user.
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function lookupUser(name: string): Promise<OsUser | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}

export async function currentUser(): Promise<OsUser> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.split(':')[2] === String(uid));
  return { name: line?.split(':')[0] ?? String(uid), uid, gid };
}

/**
 * The account clusters run as. As root: `name` (created as a system user when missing). As
 * anyone else: the current user, since only root may switch users.
 */
export async function serviceUser(name: string): Promise<OsUser> {
  if (!isRoot()) return currentUser();
  const found = await lookupUser(name);
  if (found) return found;
  await run('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    name,
  ]);
  const created = await lookupUser(name);
  if (!created) throw new Error(`useradd reported success but user '${name}' is not in /etc/passwd`);
  return created;
}

function canTraverse(mode: number, uid: number, gid: number, user: OsUser): boolean {
  if (user.uid === 0) return true;
  if (uid === user.uid) return (mode & 0o100) !== 0;
  if (gid === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/**
 * Makes sure `user` may traverse every ancestor of `path` (PostgreSQL must chdir into its data
 * directory). Where an ancestor forbids it, grants that one user search permission only (a POSIX
 * ACL entry `u:<user>:x`), never read or write, and never to anyone else. Returns the
 * directories it changed so the caller can say so.
 */
export async function grantTraverse(path: string, user: OsUser): Promise<string[]> {
  const changed: string[] = [];
  const ancestors: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    ancestors.push(dir);
    if (dir === dirname(dir)) break;
  }
  for (const dir of ancestors.reverse()) {
    const st = await stat(dir);
    if (canTraverse(st.mode, st.uid, st.gid, user)) continue;
    const { stdout } = await run('getfacl', ['--omit-header', '--absolute-names', dir]).catch(() => ({
      stdout: '',
    }));
    if (stdout.includes(`user:${user.name}:--x`) || stdout.includes(`user:${user.name}:r-x`)) continue;
    try {
      await run('setfacl', ['-m', `u:${user.name}:x`, dir]);
    } catch (e) {
      throw new Error(
        `PostgreSQL runs as the unprivileged user '${user.name}', which cannot reach ${path} because ${dir} is mode ${(st.mode & 0o777).toString(8)}; ` +
          `granting it search permission failed (${(e as Error).message.split('\n')[0]}). Install Debian's 'acl' package or set WARD_HOME outside ${dir}.`,
      );
    }
    changed.push(dir);
  }
  return changed;
}
