/**
 * @module api/backups
 * A project's backups, restore drill and restorable window; starting a backup or a restore; and
 * following an operation (phase, percent, error) until it ends, polled every second.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';

export interface Backup {
  id: string;
  type: 'full' | 'diff' | 'incr';
  started_at: string;
  stopped_at: string;
  wal_start: string | null;
  wal_stop: string | null;
  size_bytes: number;
  encrypted: boolean;
  cipher: string;
}

export interface Operation {
  id: string;
  kind: 'backup' | 'restore' | 'verify' | 'drill';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  phase: string;
  percent: number;
  error: string | null;
  target_project_id: string | null;
  result: Record<string, unknown> | null;
}

export interface BackupList {
  backups: Backup[];
  policy: { daily_at: string; retention_days: number };
  /** Where the project's repository is: Ward's disk, or an S3 bucket and prefix. */
  repository: { type: 'local' | 's3'; location: string };
  drill: { status: 'green' | 'red' | 'none' | 'running'; at: string | null; error: string | null };
  restorable: { from: string; to: string } | null;
}

export interface VerificationReport {
  identical: boolean;
  schema: { identical: boolean };
  tables: {
    table: string;
    source_rows: number | null;
    restored_rows: number | null;
    rows_equal: boolean;
    source_checksum: string | null;
    restored_checksum: string | null;
    checksum_equal: boolean;
  }[];
}

export interface RestoreBody {
  name: string;
  region_id: string;
  backup_id?: string;
  target_time?: string;
}

const backupsKey = (projectId: string) => ['projects', projectId, 'backups'] as const;
const ended = (op: Operation | undefined) => op?.status === 'succeeded' || op?.status === 'failed';

export function useBackups(projectId: string) {
  return useQuery({
    queryKey: backupsKey(projectId),
    queryFn: () => api<BackupList>('GET', `/projects/${seg(projectId)}/backups`),
  });
}

/** Follows an operation until it ends; then the project's backup list is read again. */
export function useOperation(id: string | undefined, projectId: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ['operations', id],
    enabled: !!id,
    queryFn: async () => {
      const op = await api<Operation>('GET', `/operations/${seg(id as string)}`);
      if (ended(op)) await qc.invalidateQueries({ queryKey: backupsKey(projectId) });
      return op;
    },
    refetchInterval: (q) => (ended(q.state.data) ? false : 1000),
  });
}

export function useStartBackup(projectId: string) {
  return useMutation({
    mutationFn: () => api<Operation>('POST', `/projects/${seg(projectId)}/backups`, {}),
  });
}

export function useRestore(projectId: string) {
  return useMutation({
    mutationFn: (body: RestoreBody) => api<Operation>('POST', `/projects/${seg(projectId)}/restore`, body),
  });
}
