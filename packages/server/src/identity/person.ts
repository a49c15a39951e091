/** The roles a firm's identity provider can grant. Roles combine. */
export const roles = ['ConnectorAdmin', 'Admin', 'User', 'PluginUser'] as const;
export type Role = (typeof roles)[number];

/** The signed-in person behind a request. */
export interface RequestUser {
  id: string;
  name: string | null;
  email: string | null;
  roles: Role[];
  sessionIdHash: string;
  csrfToken: string;
}
