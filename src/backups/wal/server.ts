/**
 * @module backups/wal/server
 * The other end of the pgbackrest-wal helper: a Unix socket in a 0700 directory of the service
 * user. `push` archives one WAL file of a project's cluster into that project's repository;
 * `get` fetches one for a cluster Ward is recovering, from the repository Ward named for it. Ward
 * runs pgBackRest itself with the passphrase in its environment, so the passphrase never leaves
 * Ward's memory and the service user never touches a repository. Paths are checked: a cluster can
 * only push files from its own pg_wal and only fetch into its own data directory.
 */
import { chmod, realpath, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { basename, dirname, join, sep } from 'node:path';
import type { DataPlaneProvider } from '../../dataplane/index.js';
import type { Logger } from '../../lib/logger.js';
import type { PgBackRest, StanzaTarget } from '../pgbackrest/pgbackrest.js';

const PROJECT = /^prj_[a-z2-7]{16}$|^op_[a-z2-7]{16}$/;
const WAL_FILE = /^([0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?|[0-9A-F]{8}\.history)$/;

type Request =
  | { op: 'push'; project: string; path: string }
  | { op: 'get'; project: string; file: string; dest: string };
export interface RecoverySource {
  target: () => Promise<StanzaTarget>;
  lastError?: string;
}

type Reply = { ok: true } | { ok: false; missing?: boolean; error: string };

export interface WalServerDeps {
  socket: string;
  /** Where each cluster's files are, and the OS user the socket and fetched files go to. */
  dataplane: Pick<DataPlaneProvider, 'layout' | 'clusterUser'>;
  pgbackrest: PgBackRest;
  log: Logger;
  /** The repository a project's cluster archives into (creating its stanza if need be). */
  archiveTarget(projectId: string): Promise<StanzaTarget>;
}

async function inside(path: string, dir: string): Promise<string | undefined> {
  const real = await realpath(path).catch(() => undefined);
  const base = await realpath(dir).catch(() => undefined);
  return real && base && real.startsWith(base + sep) ? real : undefined;
}

export function createWalServer(deps: WalServerDeps) {
  const { pgbackrest, log, dataplane } = deps;
  const user = dataplane.clusterUser;
  /** Clusters being recovered: cluster id → the repository their WAL comes from. */
  const sources = new Map<string, RecoverySource>();
  let server: Server | undefined;

  async function push(project: string, path: string): Promise<Reply> {
    const wal = join(dataplane.layout(project).data, 'pg_wal');
    const real = await inside(path, wal);
    if (!real || !WAL_FILE.test(basename(real)))
      return { ok: false, error: `'${path}' is not a WAL file of ${project}` };
    await pgbackrest.run(await deps.archiveTarget(project), 'archive-push', [real]);
    return { ok: true };
  }

  async function get(project: string, file: string, dest: string): Promise<Reply> {
    const source = sources.get(project);
    if (!source) return { ok: false, error: `Ward is not recovering ${project}` };
    if (!WAL_FILE.test(file)) return { ok: false, error: `'${file}' is not a WAL file name` };
    const data = dataplane.layout(project).data;
    const wal = await realpath(join(data, 'pg_wal')).catch(() => undefined);
    const parent = await realpath(dirname(dest)).catch(() => undefined);
    if (!wal || parent !== wal) return { ok: false, error: `'${dest}' is not inside ${project}'s pg_wal` };
    const into = join(wal, basename(dest));
    try {
      await pgbackrest.run(await source.target(), 'archive-get', [file, into], {
        env: { PGBACKREST_PG1_PATH: data },
      });
    } catch (err) {
      await rm(into, { force: true });
      const message = (err as Error).message;
      // Exit code 1 is pgBackRest's "not in the archive": the normal end of recovery.
      if (!/\[\d+\]: unable to find/.test(message)) source.lastError = message;
      return { ok: false, missing: true, error: message };
    }
    await user.give(into);
    return { ok: true };
  }

  async function answer(req: Request): Promise<Reply> {
    if (!req || typeof req.project !== 'string' || !PROJECT.test(req.project))
      return { ok: false, error: 'the request names no project' };
    if (req.op === 'push' && typeof req.path === 'string') return push(req.project, req.path);
    if (req.op === 'get' && typeof req.file === 'string' && typeof req.dest === 'string')
      return get(req.project, req.file, req.dest);
    return { ok: false, error: 'unknown request' };
  }

  function serve(conn: Socket): void {
    let buffer = '';
    conn.on('error', () => undefined);
    conn.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      if (buffer.length > 8192) return void conn.destroy();
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      let req: Request;
      try {
        req = JSON.parse(buffer.slice(0, end));
      } catch {
        return void conn.end(`${JSON.stringify({ ok: false, error: 'not JSON' })}\n`);
      }
      answer(req)
        .catch((err: Error): Reply => {
          log.error({ project: req.project, op: req.op, err: err.message }, 'WAL archiving failed');
          return { ok: false, error: err.message };
        })
        .then((reply) => conn.end(`${JSON.stringify(reply)}\n`));
    });
  }

  return {
    async start(): Promise<void> {
      await rm(deps.socket, { force: true });
      server = createServer(serve);
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(deps.socket, () => resolve());
      });
      await chmod(deps.socket, 0o600);
      await user.give(deps.socket);
    },
    /**
     * Lets cluster `clusterId` fetch WAL from `target` while Ward recovers it. The returned source
     * keeps the last archive-get failure that was not a plain "not in the archive"; `close` undoes.
     */
    recoverFrom(clusterId: string, target: () => Promise<StanzaTarget>): RecoverySource & { close(): void } {
      const source: RecoverySource = { target };
      sources.set(clusterId, source);
      return Object.assign(source, { close: () => void sources.delete(clusterId) });
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
      await rm(deps.socket, { force: true });
    },
  };
}

export type WalServer = ReturnType<typeof createWalServer>;

/** PostgreSQL's archive_command for a project: the helper, run with Node, through the socket. */
export function archiveCommand(paths: { node: string; helper: string; socket: string }, projectId: string) {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return `${q(paths.node)} ${q(paths.helper)} ${q(paths.socket)} push ${projectId} "%p"`;
}

/** PostgreSQL's restore_command while Ward recovers cluster `clusterId`. */
export function restoreCommand(paths: { node: string; helper: string; socket: string }, clusterId: string) {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return `${q(paths.node)} ${q(paths.helper)} ${q(paths.socket)} get ${clusterId} %f "%p"`;
}
