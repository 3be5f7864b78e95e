/**
 * @module api/audit-sinks
 * Where an org's audit log is copied (file, syslog, webhook) and how far each copy has got,
 * refreshed every few seconds; adding, switching and removing sinks; the retention setting.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { retryUnlessRefused } from './audit';
import type { CreatedSink, CreateSinkBody, SinkView } from './audit-types';
import { api, seg } from './client';
import { keys } from './keys';
import type { Org } from './types';

const POLL_MS = 3000;

export function useAuditSinks(org: string) {
  return useQuery({
    queryKey: keys.auditSinks(org),
    queryFn: async () => (await api<{ sinks: SinkView[] }>('GET', `/orgs/${seg(org)}/audit-sinks`)).sinks,
    refetchInterval: POLL_MS,
    retry: retryUnlessRefused,
  });
}

export function useCreateSink(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSinkBody) => api<CreatedSink>('POST', `/orgs/${seg(org)}/audit-sinks`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.auditSinks(org) }),
  });
}

export function useSetSinkEnabled(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      api<SinkView>('PATCH', `/orgs/${seg(org)}/audit-sinks/${seg(id)}`, { enabled }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.auditSinks(org) }),
  });
}

export function useDeleteSink(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/orgs/${seg(org)}/audit-sinks/${seg(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.auditSinks(org) }),
  });
}

/** Sets how long the org's audit events are kept (HIPAA orgs: at least six years). */
export function useSetRetention(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (days: number) =>
      api<Org>('PATCH', `/orgs/${seg(org)}`, { settings: { audit_retention_days: days } }),
    // The page may name the org by id or by name: refresh every org read (not their lists).
    onSuccess: () =>
      qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'orgs' && q.queryKey.length <= 2 }),
  });
}
