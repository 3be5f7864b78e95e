/**
 * @module api/subprocessors
 * The subprocessors this Ward uses: anyone signed in reads the list; the operator announces a new
 * one, a change or a removal, each taking effect at its date.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { Body, Json } from './schema';

export type Subprocessor = Json<'/api/v1/subprocessors', 'get'>[number];
export type NewSubprocessor = Body<'/api/v1/subprocessors', 'post'>;
export type SubprocessorChange = Body<'/api/v1/subprocessors/{id}', 'patch'>;

export function useSubprocessors() {
  return useQuery({
    queryKey: keys.subprocessors,
    queryFn: () => api<Subprocessor[]>('GET', '/subprocessors'),
  });
}

/** Any change to the list also adds a notice to every HIPAA org. */
const refresh = (qc: ReturnType<typeof useQueryClient>) =>
  qc.invalidateQueries({
    predicate: (q) => q.queryKey[0] === 'subprocessors' || q.queryKey.includes('notices'),
  });

export function useAddSubprocessor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NewSubprocessor) => api<Subprocessor>('POST', '/subprocessors', body),
    onSuccess: () => refresh(qc),
  });
}

export function useChangeSubprocessor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: SubprocessorChange & { id: string }) =>
      api<Subprocessor>('PATCH', `/subprocessors/${seg(id)}`, body),
    onSuccess: () => refresh(qc),
  });
}

export function useRemoveSubprocessor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, effective_at }: { id: string; effective_at: string }) =>
      api<Subprocessor>('DELETE', `/subprocessors/${seg(id)}`, { effective_at }),
    onSuccess: () => refresh(qc),
  });
}
