/**
 * @module api/accounting
 * Accounting of access: a project's subject keys, who read an individual's rows (and the report
 * as CSV or PDF), and which of the org's candidates a person's statements reached, per State.
 * Identifiers go in request bodies only; answers that follow from them are never cached (gcTime 0)
 * and nothing goes to web storage or the address.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { download } from './files';
import type { Body, Json } from './schema';

export type SubjectKeys = Json<'/api/v1/projects/{id}/subject-keys', 'get'>;
export type AddSubjectKey = Body<'/api/v1/projects/{id}/subject-keys', 'post'>;
export type WhoRead = Json<'/api/v1/projects/{id}/accesses/who-read', 'post'>;
export type WhoReadQuery = Body<'/api/v1/projects/{id}/accesses/who-read', 'post'>;
export type Reached = Json<'/api/v1/projects/{id}/accesses/subjects', 'post'>;
export type ReachedQuery = Body<'/api/v1/projects/{id}/accesses/subjects', 'post'>;

const keysPath = (id: string) => `/projects/${seg(id)}/subject-keys`;

export function useSubjectKeys(projectId: string, enabled = true) {
  return useQuery({
    queryKey: ['projects', projectId, 'subject-keys'],
    queryFn: () => api<SubjectKeys>('GET', keysPath(projectId)),
    enabled,
  });
}

export function useAddSubjectKey(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AddSubjectKey) => api('POST', keysPath(projectId), body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['projects', projectId, 'subject-keys'] }),
  });
}

export function useRemoveSubjectKey(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => api('DELETE', `${keysPath(projectId)}/${seg(keyId)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['projects', projectId, 'subject-keys'] }),
  });
}

export function useWhoRead(projectId: string) {
  return useMutation({
    mutationFn: (q: WhoReadQuery) => api<WhoRead>('POST', `/projects/${seg(projectId)}/accesses/who-read`, q),
    gcTime: 0,
  });
}

/** Saves the accounting report (CSV or PDF) for one individual. */
export const downloadReport = (projectId: string, q: WhoReadQuery, format: 'csv' | 'pdf') =>
  download(`/projects/${seg(projectId)}/accesses/who-read/report`, `accounting.${format}`, { ...q, format });

export function useSubjectsReached(projectId: string) {
  return useMutation({
    mutationFn: (q: ReachedQuery) => api<Reached>('POST', `/projects/${seg(projectId)}/accesses/subjects`, q),
    gcTime: 0,
  });
}

/** A roster CSV (a header with an identifier column and a State column) as candidates. */
export function parseRoster(text: string): { identifier: string; state: string }[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const cells = (l: string) => l.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const header = cells(lines[0] ?? '').map((h) => h.toLowerCase());
  const idAt = header.findIndex((h) => ['identifier', 'id', 'mrn', 'subject'].includes(h));
  const stateAt = header.indexOf('state');
  if (idAt < 0 || stateAt < 0)
    throw new Error(
      'The roster’s first line must name an identifier column (identifier) and a State column (state).',
    );
  return lines
    .slice(1)
    .map((l) => cells(l))
    .map((c) => ({ identifier: c[idAt] ?? '', state: c[stateAt] ?? '' }))
    .filter((c) => c.identifier !== '');
}
