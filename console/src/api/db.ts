/**
 * @module api/db
 * Getting into a project's database through the gateway: short-lived credentials, the project's
 * audit delivery setting (sync or async), and whether it takes plaintext connections from loopback.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { AuditDelivery, DbCredentials, Project } from './types';

export function useDbCredentials(projectId: string) {
  return useMutation({
    mutationFn: () => api<DbCredentials>('POST', `/projects/${seg(projectId)}/credentials`, {}),
  });
}

export function useSetAuditDelivery(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (delivery: AuditDelivery) =>
      api<Project>('PATCH', `/projects/${seg(projectId)}`, { settings: { audit_delivery: delivery } }),
    onSuccess: (project) => qc.setQueryData(keys.project(project.id), project),
  });
}

/** Allows or refuses plaintext connections from loopback (standard projects; HIPAA ones refuse). */
export function useSetPlaintext(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (allowed: boolean) =>
      api<Project>('PUT', `/projects/${seg(projectId)}/plaintext`, { allowed }),
    onSuccess: (project) => {
      qc.setQueryData(keys.project(project.id), project);
      // The org's HIPAA tab lists the projects that allow plaintext.
      return qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'orgs' });
    },
  });
}
