import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, unwrap } from '../api/client';
import type { Role, UserView } from '../api/types';
import { getToken, subscribeToken } from './session';

/** The tab's token as React state: signing in or out re-renders the app. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken);
}

/** Who is signed in (`GET /api/v1/users/me`): display name, roles, street. */
export function useAccount() {
  const token = useToken();
  return useQuery({
    queryKey: ['account', token],
    enabled: token !== null,
    queryFn: () => unwrap(api.GET('/api/v1/users/me')),
    staleTime: 5 * 60_000,
  });
}

export function hasAnyRole(
  user: UserView | undefined,
  roles: readonly Role[] | undefined,
): boolean {
  if (!roles) {
    return user !== undefined;
  }
  return user !== undefined && user.roles.some((r) => roles.includes(r));
}
