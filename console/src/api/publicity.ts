/**
 * @module api/publicity
 * The compliance center's public face: an org's publicity switches (the HIPAA badge and trust
 * page) and the notices it was sent about changes to the subprocessor list.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { Body, Json } from './schema';

export type Publicity = Json<'/api/v1/orgs/{org}/compliance/publicity', 'get'>;
export type Notice = Json<'/api/v1/orgs/{org}/compliance/notices', 'get'>[number];

export function usePublicity(org: string) {
  return useQuery({
    queryKey: keys.publicity(org),
    queryFn: () => api<Publicity>('GET', `/orgs/${seg(org)}/compliance/publicity`),
  });
}

export function useSetPublicity(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Body<'/api/v1/orgs/{org}/compliance/publicity', 'put'>) =>
      api<Publicity>('PUT', `/orgs/${seg(org)}/compliance/publicity`, body),
    onSuccess: (data) => qc.setQueryData(keys.publicity(org), data),
  });
}

export function useNotices(org: string) {
  return useQuery({
    queryKey: keys.notices(org),
    queryFn: () => api<Notice[]>('GET', `/orgs/${seg(org)}/compliance/notices`),
  });
}
