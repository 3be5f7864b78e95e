/**
 * @module api/auth
 * Who is signed in, sign-in and sign-out. `me` is null when there is no live session (401): the
 * app shows the sign-in page then.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isUnauthenticated } from './client';
import { keys } from './keys';
import type { Body } from './schema';
import type { LoginResult, User } from './types';

export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async (): Promise<User | null> => {
      try {
        return await api<User>('GET', '/me');
      } catch (err) {
        if (isUnauthenticated(err)) return null;
        throw err;
      }
    },
    retry: false,
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (creds: Omit<Body<'/api/v1/auth/login', 'post'>, 'cookie'>) =>
      api<LoginResult>('POST', '/auth/login', { ...creds, cookie: true }),
    onSuccess: async () => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      await qc.invalidateQueries({ queryKey: keys.me });
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('POST', '/auth/logout'),
    onSuccess: () => {
      // Set `me` on the query the app observes (clear() would orphan it), then drop the rest.
      qc.setQueryData(keys.me, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
    },
  });
}
