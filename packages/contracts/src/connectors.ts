/**
 * The connector HTTP API: the catalogue of connector types, connectors, each user's connection, the
 * result codes of the authorisation callback, diagnostics and the iManage setup values. Shared by the
 * server (route schemas), the web app (forms and banners) and the tests.
 */
import { z } from 'zod';
import { nameSchema } from './text.ts';

/**
 * A connector type's id, as its plug-in on the server names it (`imanage-onprem`, `local-folder`, …).
 * The server's registry decides which exist; GET /api/connector-types lists them.
 */
export const connectorTypeIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'expected a connector type id such as "local-folder"');
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
  /** How people name the system in sentences ("iManage", "SharePoint", "the local folder"). */
  systemName: z.string().optional(),
  description: z.string(),
  /** False when the operator has not configured what the type needs; `unavailableReason` says what. */
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  /** True for types that need each user to authorise (OAuth). */
  perUserAuthorisation: z.boolean(),
  fields: z.array(connectorFieldSchema),
  /** How a location (a folder) of this type is written where people type one, e.g. "ACTIVE!1234". */
  locationHint: z.string().optional(),
  /**
   * The type's own wording of authorisation results where it says more than the generic
   * `authorisationResultMessages` (for example which setting of the system to change).
   */
  authorisationMessages: z
    .record(z.string(), z.object({ message: z.string(), nextStep: z.string() }))
    .optional(),
});
export type ConnectorType = z.infer<typeof connectorTypeSchema>;

export const connectionStatusSchema = z.enum(['unauthorised', 'authorised', 'expired', 'error']);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** A labelled fact about an external account that its connector type wants shown (e.g. "Customer id"). */
export const accountFactSchema = z.object({ label: z.string(), value: z.string() });
export type AccountFact = z.infer<typeof accountFactSchema>;

/** The account in the connected system that a user's connection acts as. */
export const connectionAccountSchema = z.object({
  /** The system's id of the account. */
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  facts: z.array(accountFactSchema),
});
export type ConnectionAccount = z.infer<typeof connectionAccountSchema>;

/** The signed-in user's own connection to a connector. */
export const connectionSchema = z.object({
  status: connectionStatusSchema,
  reason: z.string().optional(),
  /** Machine-readable reason (an error code from docs/errors.md). */
  reasonCode: z.string().optional(),
  /** When Lexbridge learnt that an expired or failing connection stopped working (ISO 8601). */
  since: z.string().optional(),
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

export const connectorNameSchema = nameSchema(100);

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
 * A failure found before the person was sent to sign in adds `checked=before-sign-in`.
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
  'server_not_recognised',
  'account_lookup_failed',
  'refresh_token_not_issued',
  'unknown_error',
] as const;
export const authorisationResultCodeSchema = z.enum(authorisationResultCodes);
export type AuthorisationResultCode = z.infer<typeof authorisationResultCodeSchema>;

/**
 * What each result means in words that suit any system; a connector type may say more in its own
 * terms (`ConnectorType.authorisationMessages`), which the Connectors page prefers.
 */
export const authorisationResultMessages: Record<
  AuthorisationResultCode,
  { message: string; nextStep: string }
> = {
  access_denied: {
    message: 'Authorisation was cancelled, or your account may not use this application.',
    nextStep:
      "Choose Authorise again and sign in. If it is refused again, ask the system's administrator to give you access to the application.",
  },
  invalid_client: {
    message: "The server did not accept the connector's client id or secret.",
    nextStep:
      "A Connector Admin should check the connector's client id and secret against the application registered in the system, save them, and authorise again.",
  },
  invalid_grant: {
    message:
      'The server refused the sign-in code (it expired, was used already, or the redirect URL differs).',
    nextStep:
      "Choose Authorise again. If it keeps failing, check that the application's redirect URL is exactly this server's redirect URL.",
  },
  unauthorized_client: {
    message: 'The application is disabled or not allowed to use this kind of sign-in.',
    nextStep: "Ask the system's administrator to enable the application, then authorise again.",
  },
  invalid_scope: {
    message: 'The server did not accept the scope Lexbridge asked for.',
    nextStep: "A Connector Admin should check the connector's scope, then authorise again.",
  },
  invalid_request: {
    message: 'The server rejected the request as malformed.',
    nextStep:
      "Check the connector's server address, then authorise again. If it persists, send the server log to your administrator.",
  },
  unsupported_response_type: {
    message: 'The server does not support the authorisation-code sign-in that Lexbridge uses.',
    nextStep: "Check the connector's server address.",
  },
  server_error: {
    message: 'The server had an internal error during sign-in.',
    nextStep: "Wait a few minutes and authorise again. If it persists, contact the system's administrator.",
  },
  temporarily_unavailable: {
    message: 'The server is temporarily unavailable.',
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
    message: 'Lexbridge could not reach the server to finish the authorisation.',
    nextStep: 'Run Test on the connector to see whether this server can reach it.',
  },
  server_not_recognised: {
    message: "The connector's server address answers, but not like the system Lexbridge expects there.",
    nextStep:
      "A Connector Admin should check the connector's server address (the server's root, not a web page or sign-in portal), then run Test.",
  },
  account_lookup_failed: {
    message: 'Signed in, but the server did not say which account the token belongs to.',
    nextStep: "Run Test on the connector and check the connector's server address.",
  },
  refresh_token_not_issued: {
    message: 'Authorised, but the server issued no refresh token, so access stops when the token expires.',
    nextStep:
      "Ask the system's administrator to allow refresh tokens for the application, then authorise again.",
  },
  unknown_error: {
    message: 'The authorisation failed for an unexpected reason.',
    nextStep: 'Try again; if it persists, ask your administrator to look in the server log.',
  },
};

/** A result code from the callback's address; anything unknown is `unknown_error`. */
export function authorisationResultCode(value: string): AuthorisationResultCode {
  return (authorisationResultCodes as readonly string[]).includes(value)
    ? (value as AuthorisationResultCode)
    : 'unknown_error';
}

/** The words for a result: the connector type's own where it has them, else the generic ones. */
export function authorisationResultMessage(
  code: AuthorisationResultCode,
  type?: Pick<ConnectorType, 'authorisationMessages'>,
): { message: string; nextStep: string } {
  return type?.authorisationMessages?.[code] ?? authorisationResultMessages[code];
}

export const diagnosticStepSchema = z.object({
  /** A stable name of the step within its connector type (`dns`, `tcp`, `tls`, `discovery`, …). */
  name: z.string(),
  /** What the step checks, for people ("Find the server (DNS)"). */
  label: z.string(),
  ok: z.boolean(),
  /** Skipped because an earlier step failed or it does not apply (e.g. TLS on http). */
  skipped: z.boolean().optional(),
  detail: z.string(),
  advice: z.array(z.string()),
});
export type DiagnosticStep = z.infer<typeof diagnosticStepSchema>;

export const diagnosticsReportSchema = z.object({
  connectorId: z.string(),
  /** What was tested: the server address, or the folder. */
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
