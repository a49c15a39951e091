/**
 * Identity HTTP API: who is signed in, sign-out, and the audit log. Shared by the server (route
 * schemas), the web app and the tests.
 *
 * Sign-in itself is browser navigation, not JSON: send the browser to
 * `GET /api/auth/login?returnTo=/some/path`; after the identity provider it comes back to `returnTo`
 * with the `lexbridge_session` cookie set. Errors on that path are pages (or JSON for non-browser
 * clients) carrying one of `signInErrorCodes`.
 */
import { z } from 'zod';
import { hasControlCharacter } from './text.ts';

export const roleNames = ['ConnectorAdmin', 'Admin', 'User', 'PluginUser'] as const;
export const roleSchema = z.enum(roleNames);
export type RoleName = z.infer<typeof roleSchema>;

/** How each role is shown to people, e.g. on the "no access" page ("ask your administrator for …"). */
export const roleLabels: Record<RoleName, string> = {
  ConnectorAdmin: 'Connector Admin',
  Admin: 'Admin',
  User: 'User',
  PluginUser: 'PluginUser',
};

/** The role to ask for when someone signed in has none: User is what most people need. */
export const defaultRoleToRequest: RoleName = 'User';

export const meUserSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** Empty when the identity provider granted no Lexbridge role: show the "no access" page. */
  roles: z.array(roleSchema),
});
export type MeUser = z.infer<typeof meUserSchema>;

/** GET /api/me (401 `unauthenticated` without a session). */
export const meResponse = z.object({
  user: meUserSchema,
  /** Send as the X-CSRF-Token header on every POST, PUT, PATCH and DELETE. */
  csrfToken: z.string(),
});
export type MeResponse = z.infer<typeof meResponse>;

/** POST /api/auth/logout (with X-CSRF-Token). When redirectTo is set, navigate there to end the provider's session too. */
export const signOutResponse = z.object({ redirectTo: z.string().nullable() });
export type SignOutResponse = z.infer<typeof signOutResponse>;

/** Codes the sign-in pages and JSON errors can carry. */
export const signInErrorCodes = [
  'oidc_state_invalid',
  'oidc_callback_failed',
  'oidc_claims_missing',
  'idp_unavailable',
  'idp_misconfigured',
] as const;

export const auditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

export const auditEventSchema = z.object({
  id: z.number(),
  at: z.string().describe('ISO 8601 time'),
  action: z.string().describe('e.g. auth.sign_in, auth.sign_out, access.denied'),
  outcome: z.string(),
  actorUserId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  /** The object as people know it ("Workflow “Acme copy”"), also after it was deleted where its name was recorded. */
  targetLabel: z.string().nullable().optional(),
  /** For failed or denied actions: why, in plain words (with the code). */
  reason: z.string().nullable().optional(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEventDto = z.infer<typeof auditEventSchema>;

/** GET /api/admin/audit query (Admin, ConnectorAdmin). Newest first; page with `before`. */
export const auditQuerySchema = z.object({
  action: z
    .string()
    .max(100)
    .refine((v) => !hasControlCharacter(v), 'must not contain control characters')
    .optional()
    .describe('Exact action, or a prefix ending in "." such as "auth."'),
  actorUserId: z.uuid().optional(),
  outcome: auditOutcomeSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER, 'expected an event id from a previous page')
    .optional()
    .describe("Return events with an id below this (the previous page's nextBefore)"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditListResponse = z.object({
  events: z.array(auditEventSchema),
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextBefore: z.number().nullable(),
  /** How many events match the filters, on every page alike (for "51–100 of 1,234"). */
  total: z.number().int(),
});
export type AuditListResponse = z.infer<typeof auditListResponse>;
