/**
 * The connector HTTP API: the catalogue of connector types, connectors, each user's connection, the
 * result codes of the authorisation callback, diagnostics and the iManage setup values. Shared by the
 * server (route schemas), the web app (forms and banners) and the tests.
 */
import { z } from 'zod';

export const connectorTypeIds = ['imanage-onprem', 'imanage-cloud', 'local-folder'] as const;
export const connectorTypeIdSchema = z.enum(connectorTypeIds);
export type ConnectorTypeId = z.infer<typeof connectorTypeIdSchema>;

/** One field of a connector type's form. `secret` fields are write-only: never returned by the API. */
export const connectorFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  help: z.string(),
  default: z.union([z.string(), z.boolean(), z.null()]),
  required: z.boolean(),
  secret: z.boolean(),
  type: z.enum(['text', 'password', 'url', 'boolean', 'select', 'textarea', 'path']),
  /** Choices of a `select` field. */
  options: z.array(z.string()).optional(),
  /** Rarely needed; the form may fold it away under "Advanced". */
  advanced: z.boolean().optional(),
});
export type ConnectorField = z.infer<typeof connectorFieldSchema>;

export const connectorTypeSchema = z.object({
  type: connectorTypeIdSchema,
  label: z.string(),
  description: z.string(),
  /** False when the operator has not configured what the type needs; `unavailableReason` says what. */
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  /** True for types that need each user to authorise (OAuth). */
  perUserAuthorisation: z.boolean(),
  fields: z.array(connectorFieldSchema),
});
export type ConnectorType = z.infer<typeof connectorTypeSchema>;

export const connectionStatusSchema = z.enum(['unauthorised', 'authorised', 'expired', 'error']);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const connectionAccountSchema = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  customerId: z.union([z.number(), z.string()]).nullable(),
  dmsVersion: z.string().nullable(),
});

/** The signed-in user's own connection to a connector. */
export const connectionSchema = z.object({
  status: connectionStatusSchema,
  reason: z.string().optional(),
  /** Machine-readable reason (an error code from docs/errors.md). */
  reasonCode: z.string().optional(),
  account: connectionAccountSchema.optional(),
  expiresAt: z.string().optional(),
  authorisedAt: z.string().optional(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const connectorSchema = z.object({
  id: z.uuid(),
  type: connectorTypeIdSchema,
  name: z.string(),
  /** Non-secret settings only. */
  config: z.record(z.string(), z.unknown()),
  /** Keys of secret fields that hold a value (the values are never returned). */
  secretsSet: z.array(z.string()),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  connection: connectionSchema,
});
export type Connector = z.infer<typeof connectorSchema>;

export const connectorNameSchema = z
  .string()
  .trim()
  .min(1, 'enter a name')
  .max(100, 'at most 100 characters');

export const createConnectorBodySchema = z.object({
  type: z.string().min(1),
  name: connectorNameSchema,
  config: z.record(z.string(), z.unknown()).default({}),
});
export type CreateConnectorBody = z.input<typeof createConnectorBodySchema>;

/** Absent or empty secret fields keep their stored value. */
export const updateConnectorBodySchema = z.object({
  name: connectorNameSchema.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateConnectorBody = z.input<typeof updateConnectorBodySchema>;

export const connectorIdParamsSchema = z.object({
  connectorId: z.uuid({ message: 'expected a connector id' }),
});

export const deleteConnectorQuerySchema = z.object({
  force: z.enum(['true', 'false']).optional(),
});

/** `details` of a connector_in_use error. */
export const connectorInUseDetailsSchema = z.object({
  workflows: z.array(z.object({ id: z.string(), name: z.string(), ownerId: z.string(), status: z.string() })),
});

/**
 * What the authorisation callback reports back to the Connectors page, as
 * `/connectors?error=<code>&connector=<id>` (failure) or `/connectors?authorised=<id>` (success).
 * Each code has a plain-language message and the next step, for the page's banner.
 */
export const authorisationResultCodes = [
  'access_denied',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'invalid_scope',
  'invalid_request',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'state_invalid',
  'attempt_expired',
  'session_mismatch',
  'server_unreachable',
  'account_lookup_failed',
  'refresh_token_not_issued',
  'unknown_error',
] as const;
export const authorisationResultCodeSchema = z.enum(authorisationResultCodes);
export type AuthorisationResultCode = z.infer<typeof authorisationResultCodeSchema>;

export const authorisationResultMessages: Record<
  AuthorisationResultCode,
  { message: string; nextStep: string }
> = {
  access_denied: {
    message: 'Authorisation was cancelled, or your account may not use this application.',
    nextStep:
      'Choose Authorise again and sign in. If it is refused again, ask your iManage administrator to give you access to the application in Control Center.',
  },
  invalid_client: {
    message: "The iManage server did not accept the connector's Client Id or Secret Key.",
    nextStep:
      'A Connector Admin should copy the Client Id and generate a new Secret Key in Control Center (Settings > Applications), save them on the connector, and authorise again.',
  },
  invalid_grant: {
    message:
      'The iManage server refused the sign-in code (it expired, was used already, or the redirect URL differs).',
    nextStep:
      "Choose Authorise again. If it keeps failing, check that the application's Redirect URL in Control Center is exactly this server's redirect URL.",
  },
  unauthorized_client: {
    message: 'The application is disabled or not allowed to use this kind of sign-in.',
    nextStep:
      'Ask your iManage administrator to tick "Enable Application" for it in Control Center, then authorise again.',
  },
  invalid_scope: {
    message: 'The iManage server did not accept the Scope.',
    nextStep: 'A Connector Admin should set Scope to "user" on the connector, then authorise again.',
  },
  invalid_request: {
    message: 'The iManage server rejected the request as malformed.',
    nextStep:
      "Check the connector's Server Address, then authorise again. If it persists, send the server log to your administrator.",
  },
  unsupported_response_type: {
    message: 'The server does not support the authorisation-code sign-in that Lexbridge uses.',
    nextStep: 'Check that the Server Address points to an iManage Work Server 10.2 or later.',
  },
  server_error: {
    message: 'The iManage server had an internal error during sign-in.',
    nextStep: 'Wait a few minutes and authorise again. If it persists, contact your iManage administrator.',
  },
  temporarily_unavailable: {
    message: 'The iManage server is temporarily unavailable.',
    nextStep: 'Wait a few minutes and authorise again.',
  },
  state_invalid: {
    message:
      'This authorisation answer does not belong to an authorisation in progress, or was already used.',
    nextStep:
      "Start again with Authorise on the Connectors page; do not use the browser's back button during sign-in.",
  },
  attempt_expired: {
    message: 'The authorisation took longer than 10 minutes.',
    nextStep: 'Choose Authorise again and finish signing in within 10 minutes.',
  },
  session_mismatch: {
    message: 'The authorisation was started in a different Lexbridge sign-in session.',
    nextStep: 'Choose Authorise again from this browser window.',
  },
  server_unreachable: {
    message: 'Lexbridge could not reach the iManage server to finish the authorisation.',
    nextStep:
      'Run Test on the connector to see whether this server can reach iManage (public URL, Application Proxy, IP allowlist, certificates).',
  },
  account_lookup_failed: {
    message: 'Signed in, but the iManage server did not say which account and library the token belongs to.',
    nextStep:
      'Run Test on the connector; check that the Server Address is the iManage Work Server and that it is version 10 or later.',
  },
  refresh_token_not_issued: {
    message: 'Authorised, but iManage issued no refresh token, so access stops when the token expires.',
    nextStep:
      'Ask your iManage administrator to turn on "Allow refresh token" for the application in Control Center, then authorise again.',
  },
  unknown_error: {
    message: 'The authorisation failed for an unexpected reason.',
    nextStep: 'Try again; if it persists, ask your administrator to look in the server log.',
  },
};

export const diagnosticStepSchema = z.object({
  name: z.enum(['dns', 'tcp', 'tls', 'discovery', 'libraries']),
  ok: z.boolean(),
  /** Skipped because an earlier step failed or it does not apply (e.g. TLS on http). */
  skipped: z.boolean().optional(),
  detail: z.string(),
  advice: z.array(z.string()),
});
export type DiagnosticStep = z.infer<typeof diagnosticStepSchema>;

export const diagnosticsReportSchema = z.object({
  connectorId: z.string(),
  serverAddress: z.string(),
  ok: z.boolean(),
  steps: z.array(diagnosticStepSchema),
});
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;

export const imanageFlavourSchema = z.enum(['on-premises', 'classic-cloud']);
export type ImanageFlavour = z.infer<typeof imanageFlavourSchema>;

/** What an iManage administrator enters in Control Center for Lexbridge. */
export const imanageSetupSchema = z.object({
  redirectUrl: z.string(),
  lexbridgeHost: z.string(),
  publishUrl: z.string(),
  egressIps: z.array(z.string()),
  packages: z.array(z.object({ flavour: imanageFlavourSchema, url: z.string() })),
});
export type ImanageSetup = z.infer<typeof imanageSetupSchema>;
