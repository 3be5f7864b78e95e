/**
 * @module dataplane/provider
 * The interface between Ward and wherever project databases run. `local` runs one PostgreSQL
 * cluster per project on this machine; a Kubernetes (CloudNativePG) provider implements the same
 * interface later. Code on this side never imports an implementation: the composition root picks
 * one (src/server/ward.ts).
 */

export type ClusterState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** What the supervisor knows about a cluster's postmaster, shown by the API. */
export interface ClusterHealth {
  state: ClusterState;
  pid?: number;
  restarts: number;
  last_exit?: string;
  last_error?: string;
  since: string;
}

/**
 * How a new cluster's directory is encrypted at rest: `fscrypt` (the kernel's per-directory
 * encryption, with the project's own key; refused where the kernel cannot), `auto` (fscrypt where
 * the kernel can, otherwise unencrypted), or `none`.
 */
export type DiskEncryption = 'fscrypt' | 'auto' | 'none';

export interface ClusterSpec {
  id: string;
  /** HIPAA projects get pgaudit where it is installed. */
  hipaa: boolean;
  /** For a new cluster (provision); an existing one keeps what its directory has. Default `none`. */
  encryption?: DiskEncryption;
}

/** What the kernel says about a cluster directory's encryption at rest. */
export interface DirEncryption {
  kind: 'fscrypt' | 'none';
  /** One sentence from the kernel's answers, for people. */
  detail: string;
  /** Whether its key is in the kernel (the files are readable); fscrypt only. */
  unlocked?: boolean;
}

/** Whether this data plane can encrypt cluster directories, and with what; or why not. */
export type EncryptionSupport = { ok: true; detail: string } | { ok: false; reason: string };

/** The database inside each project cluster that people and applications use. */
export const APP_DATABASE = 'app';

/** Server settings by name, as they go into the cluster's configuration file. */
export type ClusterSettings = Record<string, string | number | boolean>;

/** Where a cluster's files are, for programs that work beside its server (pgBackRest, pg_checksums). */
export interface ClusterLayout {
  /** Everything of the cluster lives under it. */
  root: string;
  /** The data directory (PGDATA). */
  data: string;
  /** The directory of its Unix socket, the only way in. */
  socketDir: string;
}

/** How Ward's administrative role reaches a cluster: through its socket, never TCP. A pg.ClientConfig. */
export interface AdminConnection {
  /** The socket directory. */
  host: string;
  port: number;
  user: string;
  database: string;
}

/** PostgreSQL programs that work on a cluster from outside its server. */
export type PgTool = 'pg_dump' | 'pg_amcheck' | 'pg_checksums';

/** The OS user the clusters run as: what writes a cluster's files must run as it or give them to it. */
export interface ClusterUser {
  /** Its name, for messages. */
  readonly name: string;
  /** True when it is not Ward's own OS user (Ward runs as root and switches to it). */
  readonly separate: boolean;
  /** Runs `file args` as this user with a clean environment; rejects with the end of its stderr. */
  exec(
    file: string,
    args: string[],
    opts?: { timeoutMs?: number; cwd?: string },
  ): Promise<{ stdout: string; stderr: string }>;
  /** Gives `path` (with `recursive`, everything under it too) to this user. */
  give(path: string, opts?: { recursive?: boolean }): Promise<void>;
  /** Keeps `path` Ward's but in this user's group, so the user has what its mode gives the group. */
  shareWithGroup(path: string): Promise<void>;
}

/**
 * A cluster built from files Ward brings (a restore into a project's directory, a restore drill),
 * run as Ward's child outside supervision until the caller stops it. A restored project is then
 * handed to `start`; a drill's cluster is removed.
 */
export interface ScratchCluster {
  readonly id: string;
  /** Where its files are; `data` starts empty for a tool to fill; `configure` hands it over. */
  readonly layout: ClusterLayout;
  /** Writes the hardened configuration, archiving off, `settings` on top; `recovery`: archive recovery. */
  configure(settings: ClusterSettings, opts?: { recovery?: boolean }): Promise<void>;
  /** Starts the postmaster and resolves once it accepts connections, with a promise of why it exits. */
  start(timeoutMs: number): Promise<{ exited: Promise<string> }>;
  /** Connection settings for Ward's administrative role inside it. */
  adminConnection(database?: string): AdminConnection;
  /** The last FATAL message of its server log: why it stopped, in PostgreSQL's words. */
  lastFatal(): Promise<string | undefined>;
  /** Fast shutdown, or `immediate` (no checkpoint); a no-op when it is not running. */
  stop(opts?: { immediate?: boolean }): Promise<void>;
  /** Stops it and removes every file it had. */
  remove(): Promise<void>;
}

export interface DataPlaneProvider {
  readonly kind: 'local';
  /** Creates and starts a cluster. On failure nothing is left behind and the error says why. */
  provision(spec: ClusterSpec): Promise<void>;
  /** Starts an existing cluster and keeps it running. */
  start(spec: ClusterSpec): Promise<void>;
  /** Stops a cluster and stops keeping it running; a no-op for one that is not running. */
  stop(id: string): Promise<void>;
  /** Stops the cluster and removes every file it had. */
  destroy(id: string): Promise<void>;
  /** Whether the cluster's data directory exists. */
  exists(id: string): Promise<boolean>;
  /** The supervisor's view of a running cluster; undefined for one it does not run. */
  health(id: string): ClusterHealth | undefined;
  /** Connection settings for Ward's administrative role inside the cluster. */
  adminConnection(id: string, database?: string): AdminConnection;
  /** Stops every cluster (Ward is shutting down). */
  stopAll(): Promise<void>;
  /** Where cluster `id`'s files and socket are (whether or not it exists). */
  layout(id: string): ClusterLayout;
  /** The OS user the clusters run as. */
  readonly clusterUser: ClusterUser;
  /** Runs a PostgreSQL program of the clusters' version (as Ward's user by default); resolves with stdout. */
  pgTool(
    tool: PgTool,
    args: string[],
    opts?: { asClusterUser?: boolean; timeoutMs?: number },
  ): Promise<string>;
  /**
   * Removes what cluster `id` had (it must not run) and makes it anew, empty, as a scratch cluster,
   * its directory encrypted as `encryption` says under the key of project `keyOwner` (default `id`);
   * `hipaa`: the files come from a HIPAA project, whose databases hold pgaudit, so it is loaded.
   */
  scratchCluster(
    id: string,
    opts?: { encryption?: DiskEncryption; keyOwner?: string; hipaa?: boolean },
  ): Promise<ScratchCluster>;
  /** The kernel's answer about cluster `id`'s directory. */
  diskEncryption(id: string): Promise<DirEncryption>;
  /** Whether new clusters can be encrypted here (without making anything). */
  encryptionSupport(): Promise<EncryptionSupport>;
}
