/**
 * @module api/orgs
 * Organizations: the list, one org (by id or name), creation.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { Org } from './types';

export function useOrgs() {
  return useQuery({
    queryKey: keys.orgs,
    queryFn: async () => (await api<{ orgs: Org[] }>('GET', '/orgs')).orgs,
  });
}

/** One org by id or name; waits while `ref` is not known yet. */
export function useOrg(ref: string | undefined) {
  return useQuery({
    queryKey: keys.org(ref ?? ''),
    queryFn: ref ? () => api<Org>('GET', `/orgs/${seg(ref)}`) : skipToken,
  });
}

export function useCreateOrg() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<Org>('POST', '/orgs', { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.orgs }),
  });
}
