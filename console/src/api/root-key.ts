/**
 * @module api/root-key
 * Where an org's root key is (Ward's own, or the org's HSM over PKCS#11) and whether it is usable;
 * moving it into the HSM (owner; the PIN is sent once and never comes back) and back.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { Body, Json } from './schema';

export type RootKeyState = Json<'/api/v1/orgs/{org}/keys/hsm', 'get'>;
export type SetRootKeyBody = Body<'/api/v1/orgs/{org}/keys/hsm', 'put'>;

export function useRootKey(org: string) {
  return useQuery({
    queryKey: keys.rootKey(org),
    queryFn: () => api<RootKeyState>('GET', `/orgs/${seg(org)}/keys/hsm`),
  });
}

/** Setting or removing the HSM re-wraps the org keys: the key list is read again too. */
function useRootKeyChange<T>(org: string, fn: (v: T) => Promise<RootKeyState>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (state) => {
      qc.setQueryData(keys.rootKey(org), state);
      return qc.invalidateQueries({ queryKey: keys.orgKeys(org) });
    },
  });
}

export const useSetRootKey = (org: string) =>
  useRootKeyChange(org, (body: SetRootKeyBody) =>
    api<RootKeyState>('PUT', `/orgs/${seg(org)}/keys/hsm`, body),
  );

export const useRemoveRootKey = (org: string) =>
  useRootKeyChange(org, () => api<RootKeyState>('DELETE', `/orgs/${seg(org)}/keys/hsm`));
