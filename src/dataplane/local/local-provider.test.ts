import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUser, isRoot, serviceUser } from '../../lib/os-user.js';
import type { DataPlaneProvider } from '../index.js';
import { createLocalProvider, createSupervisor, findPgBinaries } from './index.js';

let home: string;
let provider: DataPlaneProvider;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ward-dp-'));
  const user = await serviceUser('ward');
  if (isRoot()) execFileSync('chown', [`root:${user.gid}`, home]);
  execFileSync('chmod', ['0710', home]);
  provider = createLocalProvider({
    projectsDir: home,
    bin: await findPgBinaries(),
    runAs: { user, switching: isRoot() },
    wardUser: await currentUser(),
    supervisor: createSupervisor(),
  });
});

afterAll(async () => {
  await provider?.stopAll();
  await rm(home, { recursive: true, force: true });
});

async function query(id: string, sql: string) {
  const c = new pg.Client(provider.adminConnection(id));
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('local data plane', () => {
  it('provisions a hardened cluster that answers over its socket only', async () => {
    await provider.provision({ id: 'prj_aaaaaaaaaaaaaaaa', hipaa: false });
    const [row] = await query(
      'prj_aaaaaaaaaaaaaaaa',
      `SELECT current_setting('listen_addresses') AS listen,
      current_setting('data_checksums') AS checksums, current_setting('password_encryption') AS pw,
      current_setting('log_connections') AS logc, current_user AS who`,
    );
    expect(row).toEqual({ listen: '', checksums: 'on', pw: 'scram-sha-256', logc: 'on', who: 'ward_admin' });
    const socketDir = join(home, 'prj_aaaaaaaaaaaaaaaa', 'run');
    expect((await stat(socketDir)).mode & 0o777).toBe(0o700);
    const data = await stat(join(home, 'prj_aaaaaaaaaaaaaaaa', 'pgdata'));
    expect(data.mode & 0o077).toBe(0);
    if (isRoot()) expect(data.uid).not.toBe(0);
  });

  it('runs the postmaster and the backends it forks under SCHED_BATCH, so a woken backend never preempts Ward', async () => {
    // Field 41 of /proc/<pid>/stat is the scheduling policy; 3 is SCHED_BATCH (0: SCHED_OTHER).
    const policy = async (pid: number) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
    };
    const c = new pg.Client(provider.adminConnection('prj_aaaaaaaaaaaaaaaa'));
    await c.connect();
    try {
      const backend = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      expect(await policy(backend)).toBe(3);
    } finally {
      await c.end();
    }
    expect(await policy(provider.health('prj_aaaaaaaaaaaaaaaa')?.pid ?? 0)).toBe(3);
    expect(await policy(process.pid)).toBe(0);
  });

  it('refuses a password login for a role without one and for the superuser from anyone but Ward', async () => {
    const c = new pg.Client({
      ...provider.adminConnection('prj_aaaaaaaaaaaaaaaa'),
      user: 'postgres',
      password: 'x',
    });
    await expect(c.connect()).rejects.toThrow(/password authentication failed|does not exist/);
  });

  it('brings a cluster back after its postmaster is killed with SIGKILL', async () => {
    const before = provider.health('prj_aaaaaaaaaaaaaaaa');
    expect(before?.state).toBe('running');
    process.kill(before?.pid ?? 0, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let rows: unknown[] | undefined;
    while (Date.now() < deadline) {
      const h = provider.health('prj_aaaaaaaaaaaaaaaa');
      if (h?.state === 'running' && h.pid !== before?.pid) {
        rows = await query('prj_aaaaaaaaaaaaaaaa', 'SELECT 1 AS ok').catch(() => undefined);
        if (rows) break;
      }
      await sleep(50);
    }
    expect(rows).toEqual([{ ok: 1 }]);
    expect(provider.health('prj_aaaaaaaaaaaaaaaa')?.restarts).toBe(1);
  });

  it('destroys a cluster: stopped, and every file gone', async () => {
    await provider.destroy('prj_aaaaaaaaaaaaaaaa');
    expect(provider.health('prj_aaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(await readdir(home)).toEqual([]);
  });
});
