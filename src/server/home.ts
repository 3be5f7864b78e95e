/**
 * @module server/home
 * `$WARD_HOME`'s layout and permissions. Ward (root, or the user who runs it) owns the tree;
 * PostgreSQL's service user owns only its clusters' directories. Nobody else can read anything:
 *
 *   $WARD_HOME            0710 ward-process-user:service-group (service user may pass through)
 *   ├── control/          0700 service user: the control-plane cluster
 *   ├── projects/         0710 like $WARD_HOME; projects/<id>/ 0700 service user
 *   ├── encrypted/        0710 like projects/, encrypted clusters (fscrypt, a key each), on
 *   │                     encrypted.img (0600, mounted) where WARD_HOME's file system lacks fscrypt
 *   ├── keys/ tls/        0700 Ward's user only
 *   └── initial-admin-password  0600 Ward's user only
 */
import { chown } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../lib/fs.js';
import { grantTraverse, isRoot, type OsUser } from '../lib/os-user.js';

export interface WardHome {
  root: string;
  control: string;
  projects: string;
  /** Encrypted cluster directories, and the ext4 image they live on where one is needed. */
  encrypted: { dir: string; image: string; owner: { uid: number; gid: number; mode: number } };
  keys: string;
  tls: string;
  /** Audit file sinks: copies of chains, one directory per chain. */
  sinks: string;
  adminPasswordFile: string;
  /** Directories outside $WARD_HOME that were given search permission for the service user. */
  traverseGranted: string[];
}

export async function prepareHome(root: string, service: OsUser): Promise<WardHome> {
  const switching = isRoot() && service.uid !== 0;
  const shared = switching ? 0o710 : 0o700;
  const home: WardHome = {
    root,
    control: join(root, 'control'),
    projects: join(root, 'projects'),
    encrypted: {
      dir: join(root, 'encrypted'),
      image: join(root, 'encrypted.img'),
      owner: {
        uid: process.getuid?.() ?? 0,
        gid: switching ? service.gid : (process.getgid?.() ?? 0),
        mode: shared,
      },
    },
    keys: join(root, 'keys'),
    tls: join(root, 'tls'),
    sinks: join(root, 'sinks'),
    adminPasswordFile: join(root, 'initial-admin-password'),
    traverseGranted: [],
  };
  for (const dir of [home.root, home.projects]) {
    await ensureDir(dir, shared);
    if (switching) await chown(dir, 0, service.gid);
  }
  for (const dir of [home.keys, home.tls, home.sinks]) await ensureDir(dir, 0o700);
  if (switching) home.traverseGranted = await grantTraverse(home.root, service);
  return home;
}
