import { type Role, roles } from './person.ts';

/**
 * Lexbridge roles from an identity provider's claims. Firms name roles their own way (Entra app roles
 * "Connector.Admin", Okta groups "Lexbridge.ConnectorAdmin", "connector_admin"…), so a claim value
 * matches a role when both are equal after lower-casing and removing dots, spaces, dashes and
 * underscores. Values that match no role (other groups the person belongs to) are ignored.
 */
export interface RoleClaimOptions {
  /** Claim names to read, e.g. ['roles', 'groups']; a dotted name such as `realm_access.roles` walks into objects. */
  claimNames: readonly string[];
  /**
   * When set, only values that start with this prefix count (compared in the same forgiving way), and
   * the prefix is removed before matching: with "Lexbridge." the group "Lexbridge.Admin" grants Admin
   * while a firm-wide group called "Admin" grants nothing.
   */
  prefix?: string;
}

/** "Connector.Admin", "connector_admin", "CONNECTOR-ADMIN" → "connectoradmin". */
export function normaliseRoleName(value: string): string {
  return value.toLowerCase().replace(/[.\s_-]+/g, '');
}

const roleByNormalisedName = new Map<string, Role>(roles.map((role) => [normaliseRoleName(role), role]));

/** The role a single claim value names, or null. */
export function roleFromClaimValue(value: string, prefix = ''): Role | null {
  let name = normaliseRoleName(value);
  const wanted = normaliseRoleName(prefix);
  if (wanted) {
    if (!name.startsWith(wanted)) return null;
    name = name.slice(wanted.length);
  }
  return roleByNormalisedName.get(name) ?? null;
}

/** Every Lexbridge role the claims grant, in the canonical order, without duplicates. */
export function rolesFromClaims(claims: Record<string, unknown>, options: RoleClaimOptions): Role[] {
  const granted = new Set<Role>();
  for (const claimName of options.claimNames) {
    for (const value of claimValues(readClaim(claims, claimName))) {
      const role = roleFromClaimValue(value, options.prefix);
      if (role) granted.add(role);
    }
  }
  return roles.filter((role) => granted.has(role));
}

function readClaim(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let current: unknown = claims;
  for (const part of name.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A claim may hold an array of strings or one string (some providers send "a,b" for several values). */
function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',');
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
