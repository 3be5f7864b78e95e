/**
 * @module api/audit
 * An org's audit log: events newest first (paged by cursor, filtered), verification of the
 * chain, an event's inclusion proof and the export, both saved as files. A refusal (403 for a
 * role that may not read the log) is not retried: the page shows the API's message at once.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AuditEventPage, AuditFilters, ExportFormat, VerifyReport } from './audit-types';
import { ApiError, api, seg } from './client';
import { download, saveJson } from './files';
import { keys } from './keys';

const PAGE = 50;

/** Retries a failed read twice, but never a refusal or a bad request (4xx). */
export const retryUnlessRefused = (count: number, err: unknown): boolean =>
  !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2;

/** The query string for the list; empty filters are left out. */
export function auditQuery(filters: AuditFilters, cursor?: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(PAGE));
  return q.toString();
}

export function useAuditEvents(org: string, filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: keys.auditEvents(org, filters),
    queryFn: ({ pageParam }) =>
      api<AuditEventPage>('GET', `/orgs/${seg(org)}/audit-events?${auditQuery(filters, pageParam)}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    retry: retryUnlessRefused,
  });
}

/** Recomputes the chain and its checkpoints; the report says where and how it is damaged. */
export function useVerifyAudit(org: string) {
  return useMutation({
    mutationFn: () => api<VerifyReport>('GET', `/orgs/${seg(org)}/audit-events/verify`),
  });
}

/** Saves an event's inclusion proof (checkable offline with `ward audit check-proof`). */
export function useDownloadProof(org: string) {
  return useMutation({
    mutationFn: async (eventId: string) => {
      const proof = await api<unknown>('GET', `/orgs/${seg(org)}/audit-events/${seg(eventId)}/proof`);
      saveJson(proof, `${eventId}-proof.json`);
    },
  });
}

/** Saves the whole chain with its signed checkpoints; Ward records the export as an event. */
export function useExportAudit(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (format: ExportFormat) =>
      download(`/orgs/${seg(org)}/audit-events/export?format=${format}`, `${org}-audit.${format}.jsonl`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['orgs', org, 'audit-events'] }),
  });
}
