/**
 * @module dataplane/provider
 * The interface between Ward and wherever project databases run. `local` runs one PostgreSQL
 * cluster per project on this machine; a Kubernetes (CloudNativePG) provider implements the same
 * interface later.
 */
import type { ClientConfig } from 'pg';
import type { ClusterHealth } from './local/supervisor.js';

export type { ClusterHealth } from './local/supervisor.js';

export interface ClusterSpec {
  id: string;
  /** HIPAA projects get pgaudit where it is installed. */
  hipaa: boolean;
}

/** The database inside each project cluster that people and applications use. */
export const APP_DATABASE = 'app';

export interface DataPlaneProvider {
  readonly kind: 'local';
  /** Creates and starts a cluster. On failure nothing is left behind and the error says why. */
  provision(spec: ClusterSpec): Promise<void>;
  /** Starts an existing cluster and keeps it running. */
  start(spec: ClusterSpec): Promise<void>;
  stop(id: string): Promise<void>;
  /** Stops the cluster and removes every file it had. */
  destroy(id: string): Promise<void>;
  exists(id: string): Promise<boolean>;
  health(id: string): ClusterHealth | undefined;
  /** Connection settings for Ward's administrative role inside the cluster. */
  adminConnection(id: string, database?: string): ClientConfig;
  stopAll(): Promise<void>;
}
