/**
 * @module api/hipaa
 * HIPAA enablement: the org's HIPAA state, the BAA (render, sign, countersign, read), the switch,
 * BAAs waiting for the operator, the business associate (operator), org details, keys and
 * certificates of destruction.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import type {
  Baa,
  BaaDocument,
  BusinessAssociate,
  CertificateSummary,
  HipaaState,
  KeyRotation,
  OrgKeys,
  PendingBaa,
} from './hipaa-types';
import { keys } from './keys';
import type { Body } from './schema';
import type { Org } from './types';

/** Refreshes everything an org's HIPAA change can touch (by id or name: the page may use either). */
const refreshOrg = (qc: ReturnType<typeof useQueryClient>) =>
  qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'orgs' || q.queryKey[0] === 'baas' });

export function useHipaa(org: string) {
  return useQuery({
    queryKey: keys.hipaa(org),
    queryFn: () => api<HipaaState>('GET', `/orgs/${seg(org)}/hipaa`),
  });
}

/** The signed (or executed) BAA with its text; only fetched when there is one. */
export function useBaa(org: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.baa(org),
    queryFn: enabled ? () => api<Baa>('GET', `/orgs/${seg(org)}/baa`) : skipToken,
  });
}

export function useRequestBaa(org: string) {
  return useMutation({ mutationFn: () => api<BaaDocument>('POST', `/orgs/${seg(org)}/baa`) });
}

export function useSignBaa(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Body<'/api/v1/orgs/{org}/baa/sign', 'post'>) =>
      api<Baa>('POST', `/orgs/${seg(org)}/baa/sign`, body),
    onSuccess: () => refreshOrg(qc),
  });
}

export function useCountersignBaa(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Body<'/api/v1/orgs/{org}/baa/countersign', 'post'>) =>
      api<Baa>('POST', `/orgs/${seg(org)}/baa/countersign`, body),
    onSuccess: () => refreshOrg(qc),
  });
}

export function useSetHipaa(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (enabled: boolean) => api<HipaaState>('PUT', `/orgs/${seg(org)}/hipaa`, { enabled }),
    onSuccess: () => refreshOrg(qc),
  });
}

export function usePendingBaas(enabled: boolean) {
  return useQuery({
    queryKey: keys.pendingBaas,
    queryFn: enabled
      ? async () => (await api<{ baas: PendingBaa[] }>('GET', '/baas/pending')).baas
      : skipToken,
  });
}

const businessAssociateKey = ['operator', 'business-associate'] as const;

/** The business associate BAAs name (operator only: not fetched for anyone else). */
export function useBusinessAssociate(enabled: boolean) {
  return useQuery({
    queryKey: businessAssociateKey,
    queryFn: enabled ? () => api<BusinessAssociate>('GET', '/operator/business-associate') : skipToken,
  });
}

export function useSetBusinessAssociate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Body<'/api/v1/operator/business-associate', 'put'>) =>
      api<BusinessAssociate>('PUT', '/operator/business-associate', body),
    onSuccess: (saved) => {
      qc.setQueryData(businessAssociateKey, saved);
      return refreshOrg(qc);
    },
  });
}

export function useUpdateOrgDetails(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (settings: { legal_name: string; address: string }) =>
      api<Org>('PATCH', `/orgs/${seg(org)}`, { settings }),
    onSuccess: () => refreshOrg(qc),
  });
}

export function useSetPlan(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (plan: Org['plan']) => api<Org>('PATCH', `/orgs/${seg(org)}`, { plan }),
    onSuccess: () => refreshOrg(qc),
  });
}

export function useOrgKeys(org: string) {
  return useQuery({
    queryKey: keys.orgKeys(org),
    queryFn: () => api<OrgKeys>('GET', `/orgs/${seg(org)}/keys`),
  });
}

export function useRotateOrgKey(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<KeyRotation>('POST', `/orgs/${seg(org)}/keys/rotate`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.orgKeys(org) }),
  });
}

export function useCertificates(org: string) {
  return useQuery({
    queryKey: keys.certificates(org),
    queryFn: async () =>
      (await api<{ certificates: CertificateSummary[] }>('GET', `/orgs/${seg(org)}/certificates`))
        .certificates,
  });
}

/** Where the browser downloads a PDF (a GET with the session cookie). */
export const baaPdfUrl = (org: string) => `/api/v1/orgs/${seg(org)}/baa.pdf`;
export const certificateUrl = (org: string, id: string, pdf: boolean) =>
  `/api/v1/orgs/${seg(org)}/certificates/${seg(id)}${pdf ? '.pdf' : ''}`;
