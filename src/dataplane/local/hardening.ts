/**
 * @module dataplane/local/hardening
 * The configuration every Ward cluster runs with. No TCP listener (the gateway is the only way
 * in), SCRAM passwords, connection logging as JSON, and server logs that never quote statement
 * text or values (they can carry PHI): statement failures are recorded by the gateway, with
 * literals removed, not by the server log.
 */
import type { OsUser } from '../../lib/os-user.js';
import { ADMIN_ROLE, type ClusterFiles, type ClusterLayout, PG_PORT } from './cluster.js';

export function hardenedSettings(layout: ClusterLayout): ClusterFiles['settings'] {
  return {
    listen_addresses: '',
    port: PG_PORT,
    unix_socket_directories: layout.socketDir,
    unix_socket_permissions: '0700',
    password_encryption: 'scram-sha-256',
    logging_collector: true,
    log_destination: 'jsonlog',
    log_directory: 'log',
    log_file_mode: '0600',
    log_connections: true,
    log_disconnections: true,
    // LOG ranks above ERROR for the server log: connections and checkpoints are kept, ordinary
    // query errors (whose text can quote values) are not; no statement text, no DETAIL lines.
    log_min_messages: 'log',
    log_min_error_statement: 'panic',
    log_error_verbosity: 'terse',
    log_statement: 'none',
    log_timezone: 'UTC',
    timezone: 'UTC',
    wal_level: 'replica',
  };
}

/**
 * WAL archiving for point-in-time restores: every finished WAL file goes to the project's
 * pgBackRest repository through Ward (backups/wal, docs/adr/0040). A quiet database still switches
 * to a new WAL file every 5 minutes, which bounds what a lost machine can take with it.
 */
export function archiveSettings(archiveCommand: string): ClusterFiles['settings'] {
  return { archive_mode: 'on', archive_command: archiveCommand, archive_timeout: '5min' };
}

/**
 * pgaudit, for HIPAA projects: role and DDL changes only, each as its class, command and object,
 * never the statement's text (`log_statement` off writes `<not logged>`), since a DDL statement
 * carries literals (a column's DEFAULT, a role's PASSWORD) that can be PHI or secrets. The
 * statement itself is the gateway's record, with literals removed and the raw text sealed.
 */
export function pgauditSettings(): ClusterFiles['settings'] {
  return {
    shared_preload_libraries: 'pgaudit',
    'pgaudit.log': 'role,ddl',
    'pgaudit.log_statement': false,
    'pgaudit.log_parameter': false,
    'pgaudit.log_relation': true,
  };
}

/**
 * Access rules: Ward's own OS user reaches the listed roles with peer authentication (no stored
 * password; pg_hba matches the first line, so nobody else can log in as them); every other login
 * needs a SCRAM password. No `host` lines: there is no TCP.
 */
export function accessRules(
  wardUser: OsUser,
  peerRoles: string[] = [ADMIN_ROLE],
): Pick<ClusterFiles, 'hba' | 'ident'> {
  return {
    hba: [
      '# TYPE  DATABASE  USER  METHOD',
      `local all ${peerRoles.join(',')} peer map=ward`,
      'local all all scram-sha-256',
    ],
    ident: [
      '# MAPNAME  SYSTEM-USERNAME  PG-USERNAME',
      ...peerRoles.map((role) => `ward ${wardUser.name} ${role}`),
    ],
  };
}
