/**
 * @module api/mfa
 * This session (its idle limit, MFA state) and two-step verification: state, enroll, confirm,
 * remove. Asking about the session does not count as activity (Ward keeps it that way).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MfaStatus, Session, TotpEnrollment } from './access-types';
import { api } from './client';
import type { Json } from './schema';

export const sessionKey = ['session'] as const;
const mfaKey = ['mfa'] as const;

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: () => api<Session>('GET', '/auth/session'),
    retry: false,
  });
}

export function useMfaStatus() {
  return useQuery({ queryKey: mfaKey, queryFn: () => api<MfaStatus>('GET', '/auth/mfa') });
}

export function useEnrollTotp() {
  return useMutation({ mutationFn: () => api<TotpEnrollment>('POST', '/auth/mfa/totp') });
}

/** Turns MFA on. The caller refreshes the session once the recovery codes have been read. */
export function useConfirmTotp() {
  return useMutation({
    mutationFn: (code: string) =>
      api<Json<'/api/v1/auth/mfa/totp/verify', 'post'>>('POST', '/auth/mfa/totp/verify', { code }),
  });
}

export function useRemoveTotp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api<void>('DELETE', '/auth/mfa/totp', { code }),
    onSuccess: () => qc.invalidateQueries({ queryKey: mfaKey }),
  });
}
