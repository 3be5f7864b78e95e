/**
 * @module api/audit-witnesses
 * The witnesses of an org's audit log: their cosigning status with the quorum and the newest
 * checkpoint a quorum cosigned, refreshed every few seconds; registering and removing a witness,
 * and setting the quorum.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { retryUnlessRefused } from './audit';
import type { AddWitnessBody, WitnessStatus, WitnessView } from './audit-types';
import { api, seg } from './client';
import { keys } from './keys';

const POLL_MS = 3000;

/** The status also carries the log's origin and verifier key, which a witness is started with. */
export function useWitnessStatus(org: string) {
  return useQuery({
    queryKey: keys.auditWitnesses(org),
    queryFn: () => api<WitnessStatus>('GET', `/orgs/${seg(org)}/audit-witnesses`),
    refetchInterval: POLL_MS,
    retry: retryUnlessRefused,
  });
}

export function useAddWitness(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AddWitnessBody) => api<WitnessView>('POST', `/orgs/${seg(org)}/audit-witnesses`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.auditWitnesses(org) }),
  });
}

/** Ward answers with the whole status, which replaces the one on screen. */
export function useSetQuorum(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (quorum: number) =>
      api<WitnessStatus>('PUT', `/orgs/${seg(org)}/audit-witnesses/quorum`, { quorum }),
    onSuccess: (status) => qc.setQueryData(keys.auditWitnesses(org), status),
  });
}

export function useRemoveWitness(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/orgs/${seg(org)}/audit-witnesses/${seg(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.auditWitnesses(org) }),
  });
}
