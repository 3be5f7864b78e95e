/**
 * @module api/compliance
 * The compliance center: an org's HIPAA posture (checked by Ward on every read), attesting a
 * control with a document, recording a decision on an addressable specification, and where an
 * attested document downloads from.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import type { AttestBody, Attested, Compliance, DecideBody, Decided } from './compliance-types';
import { keys } from './keys';

/** Each read runs every check, so the tab and the banner share one answer for half a minute. */
const STALE_MS = 30_000;

/**
 * The org's posture. Only fetched when `enabled`: members and developers may not read it (the API
 * answers 403), and an org without HIPAA is not watched until someone opens its Compliance tab.
 */
export function useCompliance(org: string, enabled = true) {
  return useQuery({
    queryKey: keys.compliance(org),
    queryFn: enabled && org ? () => api<Compliance>('GET', `/orgs/${seg(org)}/compliance`) : skipToken,
    staleTime: STALE_MS,
  });
}

export function useAttest(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AttestBody) =>
      api<Attested>('POST', `/orgs/${seg(org)}/compliance/attestations`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.compliance(org) }),
  });
}

export function useDecide(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DecideBody) => api<Decided>('POST', `/orgs/${seg(org)}/compliance/decisions`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.compliance(org) }),
  });
}

/** Where the browser downloads an attested document (a GET with the session cookie). */
export const attestationUrl = (org: string, id: string) =>
  `/api/v1/orgs/${seg(org)}/compliance/attestations/${seg(id)}`;
