import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError, api, setCsrfToken } from './api';
import type { Me, Permission } from './types';

export const meKey = ['auth', 'me'] as const;

/** The session probe: null when nobody is signed in, so the console can show the login page. */
async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api.get<Me>('/api/auth/me', undefined, { ignoreUnauthorized: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 5 * 60_000, retry: false });
}

export function useCan(): (perm: Permission) => boolean {
  const { data } = useMe();
  return useCallback((perm: Permission) => !!data?.permissions.includes(perm), [data]);
}

export function homePath(me: Me): string {
  if (me.role === 'resident') return '/m';
  // Technicians and gate guards work from their phones; the console stays open to them at /.
  if (me.role === 'gate_guard') return '/g';
  return me.role === 'technician' ? '/w' : '/';
}

export function useSignIn() {
  const qc = useQueryClient();
  return async (username: string, password: string): Promise<Me> => {
    const res = await api.post<{ user: Me; csrfToken: string }>('/api/auth/login', { username, password }, { ignoreUnauthorized: true });
    setCsrfToken(res.csrfToken);
    const me = { ...res.user, csrfToken: res.csrfToken };
    qc.removeQueries();
    qc.setQueryData(meKey, me);
    return me;
  };
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    try {
      await api.post('/api/auth/logout', undefined, { ignoreUnauthorized: true });
    } finally {
      setCsrfToken(null);
      qc.removeQueries();
      qc.setQueryData(meKey, null);
    }
  };
}
