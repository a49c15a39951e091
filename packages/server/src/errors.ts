/**
 * The single registry of error codes. Every error Lexbridge reports, over HTTP or on the command line,
 * has a stable snake_case code from this table, an HTTP status and a default message written for the
 * person who will read it. Codes are never reused or renamed. docs/errors.md is generated from this
 * table by `npm run docs:errors` (each `//` comment line starts a section); a test fails when it is stale.
 */
export const errorCodes = {
  // Foundation: HTTP, configuration, database, job queue, secrets and access checks.
  internal_error: {
    status: 500,
    message:
      'Something went wrong on the server. Try again; if it persists, ask your administrator to check the server log.',
  },
  validation_failed: { status: 400, message: 'The request is not valid.' },
  not_found: { status: 404, message: 'Nothing exists at this address.' },
  method_not_allowed: { status: 405, message: 'This address does not accept that method.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  rate_limited: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  config_invalid: { status: 500, message: 'A setting is wrong.' },
  data_dir_locked: { status: 409, message: 'Another Lexbridge process is using this data directory.' },
  database_unavailable: { status: 503, message: 'The database is not reachable.' },
  queue_unavailable: { status: 503, message: 'The job queue is not ready.' },
  not_ready: { status: 503, message: 'The server is starting or shutting down.' },
  encryption_key_missing: {
    status: 500,
    message:
      'A value was encrypted with a key that is not configured. Add the key to LEXBRIDGE_ENCRYPTION_KEYS.',
  },
  secret_tampered: { status: 500, message: 'A stored secret failed its integrity check and was not used.' },
  admin_token_invalid: { status: 401, message: 'The local admin token is missing or wrong.' },
  worker_requires_postgres: {
    status: 400,
    message:
      'Separate worker processes need PostgreSQL: set DATABASE_URL. On the embedded database, `lexbridge serve` runs the workers itself.',
  },
  admin_api_unavailable: {
    status: 503,
    message:
      'A Lexbridge server holds the data directory but its admin API did not answer. Stop it and run the command again.',
  },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  forbidden: {
    status: 403,
    message: 'Your roles do not allow this. Ask your administrator for the role you need.',
  },
  csrf_token_invalid: {
    status: 403,
    message: 'The request is missing its security token. Reload the page and try again.',
  },
  // Identity: sign-in through the firm's identity provider, and the embedded one (identity/).
  oidc_state_invalid: {
    status: 400,
    message:
      'This sign-in link has expired, was already used or belongs to another browser. Start signing in again.',
  },
  oidc_callback_failed: {
    status: 400,
    message:
      'The identity provider did not confirm the sign-in. Start signing in again; if it persists, ask your administrator to check the identity provider settings.',
  },
  oidc_claims_missing: {
    status: 502,
    message:
      'The identity provider did not send the claims Lexbridge needs (a subject and an e-mail address). Ask your administrator to add them to the ID token.',
  },
  idp_unavailable: {
    status: 503,
    message:
      'The identity provider cannot be reached. Try again in a moment; if it persists, ask your administrator to check LEXBRIDGE_OIDC_ISSUER.',
  },
  idp_misconfigured: {
    status: 502,
    message:
      'The identity provider settings are wrong. Ask your administrator to check LEXBRIDGE_OIDC_ISSUER, LEXBRIDGE_OIDC_CLIENT_ID and LEXBRIDGE_OIDC_CLIENT_SECRET.',
  },
  embedded_idp_not_allowed: {
    status: 500,
    message:
      "The embedded identity provider is for local use only. Set LEXBRIDGE_OIDC_ISSUER to use the firm's identity provider, or set LEXBRIDGE_ALLOW_EMBEDDED_IDP=true.",
  },
  users_file_invalid: {
    status: 500,
    message:
      'The users file of the embedded identity provider is not valid. See docs/identity-provider.md for its format.',
  },
  // Connectors, per-user authorisation, tokens and the connected systems' clients (connectors/, authorisation/). A connector's message names its system.
  connector_not_found: {
    status: 404,
    message: 'No connector has this id. It may have been deleted; reload the Connectors page.',
  },
  connector_type_unknown: {
    status: 400,
    message: 'There is no connector type of that name. GET /api/connector-types lists the available ones.',
  },
  connector_config_invalid: {
    status: 400,
    message: 'The connector settings are not valid. Correct the fields named in the message and save again.',
  },
  connector_type_not_configured: {
    status: 409,
    message: 'This connector type needs server settings that the operator has not set.',
  },
  connector_in_use: {
    status: 409,
    message:
      'Workflows use this connector. Delete or change them first, or delete with force=true, which pauses them.',
  },
  connector_address_not_allowed: {
    status: 400,
    message:
      "Lexbridge does not connect to loopback, private or other non-public addresses unless the operator allows them (LEXBRIDGE_ALLOWED_PRIVATE_HOSTS, or LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES=true). Use the server's public address, or ask the operator.",
  },
  local_folder_root_not_allowed: {
    status: 400,
    message: 'That folder is not under a root the operator allows in LEXBRIDGE_LOCAL_FOLDER_ROOTS.',
  },
  oauth_state_invalid: {
    status: 400,
    message:
      'The authorisation answer does not match an authorisation this server started, or was already used. Start again from the Connectors page.',
  },
  oauth_attempt_expired: {
    status: 400,
    message: 'The authorisation took longer than 10 minutes. Start again from the Connectors page.',
  },
  oauth_session_mismatch: {
    status: 400,
    message:
      'The authorisation was started in another sign-in session. Start again from the Connectors page in this browser.',
  },
  oauth_provider_error: {
    status: 502,
    message: 'The authorisation server refused the request. The message says why.',
  },
  connection_not_authorised: {
    status: 409,
    message: 'You have not authorised this connector yet. Choose Authorise on the Connectors page.',
  },
  connection_expired: {
    status: 409,
    message:
      'Your authorisation of this connector has expired or was revoked. Choose Re-authorise on the Connectors page.',
  },
  refresh_token_not_issued: {
    status: 409,
    message:
      "The server issued no refresh token, so access ends when the token expires. Ask the system's administrator to allow refresh tokens for the application, then re-authorise.",
  },
  token_refresh_failed: {
    status: 502,
    message: 'The authorisation server could not renew the access token just now. Try again shortly.',
  },
  connector_rejected_credentials: {
    status: 502,
    message:
      "The connected system did not accept the connector's client id or secret. A Connector Admin should check them on the connector.",
  },
  connector_error: { status: 502, message: 'The connected system answered with an error.' },
  connector_rate_limited: {
    status: 429,
    message: 'The connected system is limiting requests. Wait a moment and try again.',
  },
  connector_unreachable: {
    status: 502,
    message:
      'The connected system could not be reached. Run the connector test (or `lexbridge doctor`) to see why.',
  },
  connector_item_not_found: {
    status: 404,
    message: 'The item does not exist in the connected system, or you have no access to it.',
  },
  connector_item_in_use: {
    status: 409,
    message: 'The item is checked out or in use in the connected system; it is tried again later.',
  },
  connector_access_denied: {
    status: 403,
    message: 'Your account in the connected system may not do this.',
  },
  connector_test_unavailable: {
    status: 409,
    message: 'Connectors of this type have no connection test.',
  },
  compatibility_check_unavailable: {
    status: 409,
    message:
      'This compatibility check is for another type of connector. Run `lexbridge doctor --imanage-compat` on an iManage connector.',
  },
  compatibility_user_required: {
    status: 409,
    message:
      'Say whose authorisation the check uses: add --user with the e-mail address or id of a person who has authorised the connector.',
  },
  // Workflows: copy, one-way sync and move between connectors; runs and their items.
  workflow_not_found: { status: 404, message: 'This workflow does not exist, or it is not yours to see.' },
  workflow_run_not_found: {
    status: 404,
    message: 'This workflow run does not exist, or it is not yours to see.',
  },
  workflow_archive_manifest_not_found: {
    status: 404,
    message:
      'This run stored no archive manifest (only an archive run that verified everything stores one), or it can no longer be read from the target.',
  },
  workflow_preflight_failed: {
    status: 409,
    message: 'The pre-flight checks block this workflow type. See the reasons given and fix them first.',
  },
  workflow_run_in_progress: {
    status: 409,
    message: 'This workflow is already running. Wait for the run to finish, or cancel it.',
  },
  workflow_retry_unavailable: {
    status: 409,
    message: 'There is nothing to retry in this run. Choose Run now instead.',
  },
  workflow_paused: {
    status: 409,
    message: 'This workflow is paused. Resume it (re-authorise its connections if asked) and try again.',
  },
  workflow_location_unavailable: {
    status: 422,
    message: 'A location of this workflow cannot be opened. Check the connector and the folder still exist.',
  },
  workflow_location_invalid: {
    status: 400,
    message: 'The chosen location is not a folder you can use. Choose a folder or workspace.',
  },
  folder_name_invalid: {
    status: 400,
    message:
      'That name cannot be a folder\'s. Folder names may not contain " * : < > ? / \\ |, nor start or end with a space or dot.',
  },
  folder_exists: {
    status: 409,
    message: 'A folder of that name is already there. Open it, or choose another name.',
  },
  folder_create_denied: {
    status: 403,
    message: 'You may not create a folder here. Choose another folder, or ask a Connector Admin.',
  },
  workflow_run_failed: {
    status: 500,
    message: 'The workflow run failed. Its run history says why; it will be tried again.',
  },
  workflow_access_changed: {
    status: 403,
    message:
      "The workflow's owner may no longer use one of its folders this way, so the run stopped before changing anything.",
  },
  workflow_run_interrupted: {
    status: 503,
    message:
      'A system the run uses stopped answering for too long, so the run stopped; it carries on from where it stopped when it runs again.',
  },
  workflow_item_failed: { status: 500, message: 'An item could not be copied.' },
  workflow_item_verification_failed: {
    status: 500,
    message: 'A copied item did not match its source and was discarded.',
  },
  workflow_item_skipped: {
    status: 200,
    message: 'An item was skipped (a trigger is off, or it has no major version).',
  },
  workflow_deletes_held: {
    status: 200,
    message: 'Deletes were held back because items failed earlier in the same run.',
  },
  workflow_max_deletes_exceeded: {
    status: 200,
    message: 'Deletes were refused because the run would delete more than the maximum allowed.',
  },
  content_not_found: {
    status: 404,
    message: 'The item does not exist (any more), or you have no access to it.',
  },
  content_access_denied: { status: 403, message: 'Your account in the connected system may not do this.' },
  content_conflict: { status: 409, message: 'Something with that name is already there.' },
  content_unavailable: {
    status: 503,
    message: 'The connected system could not be reached. The run will try again.',
  },
  content_reauthorise: {
    status: 401,
    message: 'The connection has expired. Re-authorise it on the Connectors page.',
  },
  content_invalid: { status: 400, message: 'The item or name is not valid in the connected system.' },
  // Publishing: the iManage "Publish with Lexbridge" command, publish destinations and publish runs (publishing/).
  publish_destination_not_found: {
    status: 404,
    message: 'This publish destination does not exist (any more). Reload the page and choose another.',
  },
  publish_destination_invalid: {
    status: 400,
    message:
      'The destination location is not a folder Lexbridge can write to. Choose a folder of the connector.',
  },
  publish_source_invalid: {
    status: 400,
    message:
      'Items can be published only from an iManage connector. Choose the iManage connector the items come from.',
  },
  publish_selection_invalid: {
    status: 400,
    message:
      'The selection holds no iManage document or folder ids. Start again from iManage: select documents or folders and choose Publish with Lexbridge.',
  },
  publish_run_not_found: { status: 404, message: 'This publish does not exist, or it is not yours to see.' },
  publish_in_progress: {
    status: 409,
    message: 'Someone is publishing to this destination right now. Wait a moment and publish again.',
  },
  // Notifications: email and webhook delivery, and the settings behind them (docs/notifications.md).
  notification_webhook_invalid: {
    status: 400,
    message:
      'The webhook address must be an https:// URL (http:// only to this machine), and a signing secret of at least 16 characters is needed with it.',
  },
  notification_delivery_failed: {
    status: 502,
    message: 'A notification could not be delivered. It is tried again with increasing delays.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

/**
 * An expected failure with a stable code. `details` is safe to show to the caller. `retryable` (and
 * `retryAfterMs`) say whether another attempt is worth it (see retry.ts): a connected system's 429,
 * 5xx or dropped connection is; anything else is not.
 */
export class AppError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown; status?: number; retryable?: boolean; retryAfterMs?: number },
  ) {
    const def: { status: number; message: string } = errorCodes[code];
    super(message ?? def.message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.status = options?.status ?? def.status;
    this.retryable = options?.retryable ?? false;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
