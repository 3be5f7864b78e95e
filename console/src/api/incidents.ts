/**
 * @module api/incidents
 * Security incidents: the list, one incident with everything derived from it (discovery date,
 * determination, obligations with days left, notices), and each step of a response; notice
 * letters and evidence packets download as files. Types come from the OpenAPI document.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { download, saveJson } from './files';
import type { Body, Json } from './schema';

const P = '/api/v1/orgs/{org}/incidents/{id}' as const;
export type Incident = Json<typeof P, 'get'>;
export type IncidentSummary = Json<'/api/v1/orgs/{org}/incidents', 'get'>['incidents'][number];
export type Obligation = Incident['obligations'][number];
export type Notice = Incident['notices'][number];
export type CreateIncident = Body<'/api/v1/orgs/{org}/incidents', 'post'>;
export type UpdateIncident = Body<typeof P, 'patch'>;
export type KnowledgeBody = Body<'/api/v1/orgs/{org}/incidents/{id}/knowledge', 'post'>;
export type AssessmentBody = Body<'/api/v1/orgs/{org}/incidents/{id}/assessment', 'put'>;
export type HoldBody = Body<'/api/v1/orgs/{org}/incidents/{id}/holds', 'post'>;
export type NoticeBody = Body<'/api/v1/orgs/{org}/incidents/{id}/notices', 'post'>;
export type NoticeUpdate = Body<'/api/v1/orgs/{org}/incidents/{id}/notices/{notice}', 'patch'>;
export type SentBody = Body<'/api/v1/orgs/{org}/incidents/{id}/notices/{notice}/sent', 'post'>;
export type AffectedFromAccess = Body<'/api/v1/orgs/{org}/incidents/{id}/affected/from-access', 'post'>;

const listKey = (org: string) => ['orgs', org, 'incidents'] as const;
const oneKey = (org: string, id: string) => ['orgs', org, 'incidents', id] as const;
const path = (org: string, id?: string) => `/orgs/${seg(org)}/incidents${id ? `/${seg(id)}` : ''}`;

export function useIncidents(org: string, enabled = true) {
  return useQuery({
    queryKey: listKey(org),
    queryFn:
      enabled && org
        ? async () => (await api<Json<'/api/v1/orgs/{org}/incidents', 'get'>>('GET', path(org))).incidents
        : skipToken,
  });
}

export function useIncident(org: string, id: string) {
  return useQuery({ queryKey: oneKey(org, id), queryFn: () => api<Incident>('GET', path(org, id)) });
}

export function useCreateIncident(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateIncident) => api<Incident>('POST', path(org), body),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(org) }),
  });
}

/** One step of a response on incident `id`: the answer is the whole incident again (or a notice). */
function useStep<B>(org: string, send: (body: B) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(org) }),
  });
}

export const useUpdateIncident = (org: string, id: string) =>
  useStep(org, (b: UpdateIncident) => api<Incident>('PATCH', path(org, id), b));
export const useAffectedFromAccess = (org: string, id: string) =>
  useStep(org, (b: AffectedFromAccess) => api<Incident>('POST', `${path(org, id)}/affected/from-access`, b));
export const useAddKnowledge = (org: string, id: string) =>
  useStep(org, (b: KnowledgeBody) => api<Incident>('POST', `${path(org, id)}/knowledge`, b));
export const useAssess = (org: string, id: string) =>
  useStep(org, (b: AssessmentBody) => api<Incident>('PUT', `${path(org, id)}/assessment`, b));
export const useAddHold = (org: string, id: string) =>
  useStep(org, (b: HoldBody) => api<Incident>('POST', `${path(org, id)}/holds`, b));
export const useDraftNotice = (org: string, id: string) =>
  useStep(org, (b: NoticeBody) => api<Notice>('POST', `${path(org, id)}/notices`, b));
export const useUpdateNotice = (org: string, id: string) =>
  useStep(org, ({ notice, ...b }: NoticeUpdate & { notice: string }) =>
    api<Notice>('PATCH', `${path(org, id)}/notices/${seg(notice)}`, b),
  );
export const useMarkSent = (org: string, id: string) =>
  useStep(org, ({ notice, ...b }: SentBody & { notice: string }) =>
    api<Notice>('POST', `${path(org, id)}/notices/${seg(notice)}/sent`, b),
  );
export const useLinkEvents = (org: string, id: string) =>
  useStep(org, (b: { audit_events: string[] }) => api<Incident>('POST', `${path(org, id)}/events`, b));
export const useIssuePacket = (org: string, id: string) =>
  useStep(org, () =>
    api<Json<'/api/v1/orgs/{org}/incidents/{id}/packets', 'post'>>('POST', `${path(org, id)}/packets`),
  );

export const downloadNotice = (org: string, id: string, notice: string) =>
  download(`${path(org, id)}/notices/${seg(notice)}.pdf`, `notice-${id}-${notice}.pdf`);
export const downloadPacket = (org: string, id: string, packet: string, as: 'pdf' | 'json') =>
  download(`${path(org, id)}/packets/${seg(packet)}.${as}`, `incident-${id}-${packet}.${as}`);

/** Saves the inclusion proof of cited event `event` (checked offline by `ward audit check-proof`). */
export async function downloadProof(org: string, id: string, event: string): Promise<void> {
  const proof = await api<unknown>('GET', `${path(org, id)}/events/${seg(event)}/proof`);
  saveJson(proof, `proof-${event}.json`);
}
