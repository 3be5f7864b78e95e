/**
 * @module backups/storage
 * Where the repositories live: Ward's local disk (the default, `$WARD_HOME/backups/repos`) or an
 * S3-compatible bucket (`backups.repository` in ward.yaml). A project's repository is one folder,
 * or one key prefix in the bucket, named after the project; its stanza and passphrase are its own
 * either way.
 *
 * Each repository records the place it was made in (`locator`: no credential in it). When the
 * setting later names another place, that project's backups, restores and WAL archiving stop with
 * an error that says where its backups are, rather than starting an empty repository elsewhere and
 * leaving a gap in its point-in-time history.
 */
import { join } from 'node:path';
import type { WardConfig } from '../config/index.js';

export interface S3Storage {
  type: 's3';
  /** Host name of the S3 API, such as s3.us-east-1.amazonaws.com (HTTPS always). */
  endpoint: string;
  port: number;
  bucket: string;
  region: string;
  /** Key prefix under which each project's repository is a folder, such as /ward. */
  prefix: string;
  uriStyle: 'host' | 'path';
  /** CA certificates to trust for the endpoint, beyond the system's. */
  caFile?: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type RepositoryStorage = { type: 'local'; root: string } | S3Storage;

/** One project's repository: the storage and the folder (or key prefix) in it. */
export interface RepositoryLocation {
  storage: RepositoryStorage;
  path: string;
}

export function storageFromConfig(
  config: WardConfig['backups']['repository'],
  backupsRoot: string,
): RepositoryStorage {
  if (config.type === 'local') return { type: 'local', root: join(backupsRoot, 'repos') };
  return {
    type: 's3',
    endpoint: config.endpoint,
    port: config.port,
    bucket: config.bucket,
    region: config.region,
    prefix: config.prefix,
    uriStyle: config.uri_style,
    ...(config.ca_file ? { caFile: config.ca_file } : {}),
    accessKeyId: config.access_key_id,
    secretAccessKey: config.secret_access_key,
  };
}

/** The storage, named without credentials: what a repository records and what people are shown. */
export function locator(storage: RepositoryStorage): string {
  if (storage.type === 'local') return 'local';
  const port = storage.port === 443 ? '' : `:${storage.port}`;
  return `s3://${storage.bucket}${storage.prefix} at ${storage.endpoint}${port}`;
}

export function locationOf(storage: RepositoryStorage, projectId: string): RepositoryLocation {
  return {
    storage,
    path: storage.type === 'local' ? join(storage.root, projectId) : `${storage.prefix}/${projectId}`,
  };
}

/** What people are shown about one project's repository. */
export function describeLocation(location: RepositoryLocation): { type: 'local' | 's3'; location: string } {
  const { storage, path } = location;
  if (storage.type === 'local') return { type: 'local', location: "the Ward server's disk" };
  const port = storage.port === 443 ? '' : `:${storage.port}`;
  return { type: 's3', location: `s3://${storage.bucket}${path} at ${storage.endpoint}${port}` };
}

/** The repository as pgBackRest options (repo1), for its environment. */
export function repositoryEnvironment(location: RepositoryLocation): Record<string, string> {
  const { storage, path } = location;
  if (storage.type === 'local') return { PGBACKREST_REPO1_PATH: path };
  return {
    PGBACKREST_REPO1_TYPE: 's3',
    PGBACKREST_REPO1_PATH: path,
    PGBACKREST_REPO1_S3_ENDPOINT: storage.endpoint,
    PGBACKREST_REPO1_STORAGE_PORT: String(storage.port),
    PGBACKREST_REPO1_S3_BUCKET: storage.bucket,
    PGBACKREST_REPO1_S3_REGION: storage.region,
    PGBACKREST_REPO1_S3_URI_STYLE: storage.uriStyle,
    PGBACKREST_REPO1_S3_KEY: storage.accessKeyId,
    PGBACKREST_REPO1_S3_KEY_SECRET: storage.secretAccessKey,
    // Small files go into bundles: a backup is tens of objects, not one per file, which an object
    // store serves with fewer requests (pgBackRest's advice for S3).
    PGBACKREST_REPO1_BUNDLE: 'y',
    // pgBackRest checks the endpoint's certificate unless told not to; Ward never tells it not to.
    ...(storage.caFile ? { PGBACKREST_REPO1_STORAGE_CA_FILE: storage.caFile } : {}),
  };
}
