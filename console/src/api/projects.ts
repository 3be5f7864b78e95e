/**
 * @module api/projects
 * Regions, an org's projects (paged by cursor), one project, creation and deletion. A project
 * whose status is changing is polled every second so the page shows provisioning → running live.
 */
import { skipToken, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { CreateProjectBody, Project, ProjectPage, ProjectStatus, Region } from './types';

const POLL_MS = 1000;
const CHANGING: readonly ProjectStatus[] = ['provisioning', 'restoring', 'deleting'];

export const isChanging = (status: ProjectStatus): boolean => CHANGING.includes(status);

export function useRegions() {
  return useQuery({
    queryKey: keys.regions,
    queryFn: async () => (await api<{ regions: Region[] }>('GET', '/regions')).regions,
    staleTime: 5 * 60_000,
  });
}

export function useProjects(org: string) {
  return useInfiniteQuery({
    queryKey: keys.projects(org),
    queryFn: ({ pageParam }) =>
      api<ProjectPage>('GET', `/orgs/${seg(org)}/projects${pageParam ? `?cursor=${seg(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.projects.some((x) => isChanging(x.status))) ? POLL_MS : false,
  });
}

export function useProject(id: string) {
  return useQuery({
    queryKey: keys.project(id),
    queryFn: () => api<Project>('GET', `/projects/${seg(id)}`),
    refetchInterval: (q) => (q.state.data && isChanging(q.state.data.status) ? POLL_MS : false),
  });
}

/** A project as the cache already holds it (read by the header), without fetching it. */
export function useCachedProject(id: string | undefined) {
  return useQuery<Project>({
    queryKey: keys.project(id ?? ''),
    queryFn: skipToken,
    enabled: id !== undefined,
  });
}

export function useCreateProject(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProjectBody) => api<Project>('POST', `/orgs/${seg(org)}/projects`, body),
    onSuccess: (project) => {
      qc.setQueryData(keys.project(project.id), project);
      return qc.invalidateQueries({ queryKey: keys.projects(org) });
    },
  });
}

export function useDeleteProject() {
  const qc = useQueryClient();
  return useMutation({
    /** A HIPAA project needs the confirmation that its audit log was exported. */
    mutationFn: ({ id, auditLogExported }: { id: string; auditLogExported?: boolean }) =>
      api<Project>(
        'DELETE',
        `/projects/${seg(id)}`,
        auditLogExported === undefined ? undefined : { audit_log_exported: auditLogExported },
      ),
    onSuccess: (project) => {
      qc.setQueryData(keys.project(project.id), project);
      // The org page may be keyed by the org's id or its name: refresh every org's list.
      return qc.invalidateQueries({
        predicate: (q) => q.queryKey[0] === 'orgs' && q.queryKey[2] === 'projects',
      });
    },
  });
}

/** Keeps a deleted HIPAA project during its grace period. */
export function useUndeleteProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Project>('POST', `/projects/${seg(id)}/undelete`),
    onSuccess: (project) => {
      qc.setQueryData(keys.project(project.id), project);
      return qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'orgs' });
    },
  });
}
