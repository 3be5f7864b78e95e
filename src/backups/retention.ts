/**
 * @module backups/retention
 * Retention by time, decided with Ward's clock: a project keeps every backup needed to restore to
 * any moment of the last `retention_days` (7 to 35, per org). That is every full backup newer
 * than the horizon plus the newest one older than it (it starts the window), with their
 * differential and incremental backups and the WAL after the oldest kept one. pgBackRest's
 * `expire` is then told how many full backups to keep, and removes the rest with their WAL.
 */
import type { BackupRecord } from './pgbackrest/info.js';

const DAY_MS = 86_400_000;

export function fullBackupsToKeep(
  backups: Pick<BackupRecord, 'type' | 'stopped_at'>[],
  retentionDays: number,
  now: Date,
): number {
  const horizon = now.getTime() - retentionDays * DAY_MS;
  const fulls = backups.filter((b) => b.type === 'full');
  const newer = fulls.filter((b) => b.stopped_at.getTime() > horizon).length;
  const older = fulls.length - newer;
  return Math.max(1, newer + (older > 0 ? 1 : 0));
}

/** A scheduled backup is full when no full backup is younger than a week, else differential. */
export function scheduledType(
  backups: Pick<BackupRecord, 'type' | 'stopped_at'>[],
  now: Date,
): 'full' | 'diff' {
  const week = now.getTime() - 7 * DAY_MS;
  return backups.some((b) => b.type === 'full' && b.stopped_at.getTime() > week) ? 'diff' : 'full';
}
