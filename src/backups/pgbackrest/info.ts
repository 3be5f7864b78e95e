/**
 * @module backups/pgbackrest/info
 * Reads `pgbackrest info --output=json` into the rows of Ward's backup catalog.
 */
import type { BackupType } from '../../db/index.js';

export interface BackupRecord {
  label: string;
  type: BackupType;
  prior: string | null;
  started_at: Date;
  stopped_at: Date;
  wal_start: string | null;
  wal_stop: string | null;
  lsn_start: string | null;
  lsn_stop: string | null;
  size_bytes: number;
  repository_bytes: number;
  cipher: string;
}

interface InfoBackup {
  label: string;
  type: BackupType;
  prior: string | null;
  error?: boolean;
  timestamp: { start: number; stop: number };
  archive?: { start: string | null; stop: string | null };
  lsn?: { start: string | null; stop: string | null };
  info: { size: number; repository: { size: number } };
}

interface InfoStanza {
  name: string;
  cipher: string;
  backup: InfoBackup[];
  status: { code: number; message: string };
}

/** The backups in a stanza's info output (oldest first); backups pgBackRest marks in error are left out. */
export function parseInfo(json: string): {
  backups: BackupRecord[];
  status: { code: number; message: string };
} {
  // The system id is a 64-bit integer that JSON.parse would round; nothing here needs it.
  const stanzas = JSON.parse(json) as InfoStanza[];
  const stanza = stanzas[0];
  if (!stanza) return { backups: [], status: { code: 1, message: 'no stanza in the repository' } };
  return {
    status: stanza.status,
    backups: stanza.backup
      .filter((b) => !b.error)
      .map((b) => ({
        label: b.label,
        type: b.type,
        prior: b.prior,
        started_at: new Date(b.timestamp.start * 1000),
        stopped_at: new Date(b.timestamp.stop * 1000),
        wal_start: b.archive?.start ?? null,
        wal_stop: b.archive?.stop ?? null,
        lsn_start: b.lsn?.start ?? null,
        lsn_stop: b.lsn?.stop ?? null,
        size_bytes: b.info.size,
        repository_bytes: b.info.repository.size,
        cipher: stanza.cipher,
      })),
  };
}

/** The percentage in a `backup file …` / `restore file …` line at log level detail. */
export function progressOf(line: string): number | undefined {
  const m = /(?:backup|restore) file .*\(([^,()]+), (\d{1,3}(?:\.\d+)?)%\)/.exec(line);
  return m ? Number(m[2]) : undefined;
}
