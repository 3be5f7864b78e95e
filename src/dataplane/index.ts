/**
 * @module dataplane
 * The data plane's public face: the provider interface and the types that cross it. Domains use
 * only this; the composition root picks an implementation (`dataplane/local`).
 */
export {
  type AdminConnection,
  APP_DATABASE,
  type ClusterHealth,
  type ClusterLayout,
  type ClusterSettings,
  type ClusterSpec,
  type ClusterState,
  type ClusterUser,
  type DataPlaneProvider,
  type DirEncryption,
  type DiskEncryption,
  type EncryptionSupport,
  type PgTool,
  type ScratchCluster,
} from './provider.js';
