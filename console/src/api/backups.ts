/**
 * @module api/backups
 * A project's backups, restore drill and restorable window; starting a backup or a restore; and
 * following an operation (phase, percent, error) until it ends, polled every second.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import type { Body, Json } from './schema';

export type BackupList = Json<'/api/v1/projects/{id}/backups', 'get'>;
export type Backup = BackupList['backups'][number];
/** A backup, restore, verify or drill: queued, running, then succeeded or failed. */
export type Operation = Json<'/api/v1/operations/{id}', 'get'>;
export type RestoreBody = Body<'/api/v1/projects/{id}/restore', 'post'>;

/**
 * A restore's `result.report`. The API declares an operation's result as free-form, so this one
 * is written by hand: it mirrors VerificationReport in src/backups/verification.ts.
 */
export interface VerificationReport {
  identical: boolean;
  /** `earlier_than_source`: a restore to a backup or a moment, so later writes differ, as they should. */
  verdict: 'identical' | 'earlier_than_source' | 'different';
  /** What was compared with what, and how to read it. */
  summary: string;
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
