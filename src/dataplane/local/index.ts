/**
 * @module dataplane/local
 * The local data plane's face, for the composition root only (src/server): the provider, the
 * supervisor it runs clusters under, the PostgreSQL binaries, and the cluster functions the
 * server runs its own control database with.
 */
export { findPgBinaries, type PgBinaries } from './binaries.js';
export {
  ADMIN_ROLE,
  clusterExists,
  clusterLayout,
  initCluster,
  startCluster,
  stopCluster,
  writeClusterFiles,
} from './cluster.js';
export { createEncryptedDirs, type EncryptedDirs } from './fscrypt/encrypted-dirs.js';
export { accessRules, hardenedSettings } from './hardening.js';
export { createLocalProvider, type LocalProviderDeps } from './local-provider.js';
export type { RunAs } from './run-as.js';
export { createSupervisor, type Supervisor } from './supervisor.js';
