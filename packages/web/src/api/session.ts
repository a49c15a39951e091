import type { MeResponse, RoleName } from '@lexbridge/contracts';
import { useQuery } from '@tanstack/react-query';
import { api, setCsrfToken } from './client.ts';

export { defaultRoleToRequest, roleLabels } from '@lexbridge/contracts';

/** A Lexbridge role as the firm's identity provider grants it. */
export type Role = RoleName;

/** GET /api/me: the signed-in person and the session's CSRF token. */
export type Me = MeResponse;

export const meQueryKey = ['me'] as const;

/** The signed-in person, or an ApiError (401 unauthenticated, 403 forbidden). */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: async ({ signal }) => {
      const me = await api<Me>('/api/me', { signal });
      setCsrfToken(me.csrfToken);
      return me;
    },
    retry: false,
    staleTime: 5 * 60_000,
  });
}

export function hasRole(me: Me, ...roles: Role[]): boolean {
  return roles.some((role) => me.user.roles.includes(role));
}

/** Connector Admins add, edit and remove connectors. */
export function isConnectorAdmin(me: Me): boolean {
  return hasRole(me, 'ConnectorAdmin');
}

/** The Admin area: the document systems' set-up values and packages, and the audit log. */
export function mayAdminister(me: Me): boolean {
  return hasRole(me, 'ConnectorAdmin', 'Admin');
}

/** Workflows are for Users, Admins and Connector Admins; Plugin Users only publish. */
export function mayUseWorkflows(me: Me): boolean {
  return hasRole(me, 'User', 'Admin', 'ConnectorAdmin');
}

/** Where the identity provider should send the person back to after signing in. */
export function signInUrl(returnTo: string): string {
  return `/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}
