/**
 * Entra ID's AADSTS errors: the OAuth `error`, the HTTP status and the description each code comes
 * with, and the JSON body the v2 endpoints answer with (`error`, `error_description` starting with
 * `AADSTS<code>:` and ending with trace id, correlation id and timestamp, `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`, `error_uri`).
 */
import { randomUUID } from 'node:crypto';

interface Definition {
  error: string;
  status: number;
  /** {0}, {1}… are filled from the arguments. */
  text: string;
}

export const AADSTS: Record<number, Definition> = {
  50011: {
    error: 'invalid_request',
    status: 400,
    text: "The redirect URI '{0}' specified in the request does not match the redirect URIs configured for the application '{1}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
  },
  50105: {
    error: 'invalid_grant',
    status: 400,
    text: "Your administrator has configured the application {1} ('{0}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '{2}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
  },
  50126: {
    error: 'invalid_grant',
    status: 400,
    text: 'Error validating credentials due to invalid username or password.',
  },
  50148: {
    error: 'invalid_grant',
    status: 400,
    text: 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
  },
  50173: {
    error: 'invalid_grant',
    status: 400,
    text: "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{0}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{1}'.",
  },
  54005: {
    error: 'invalid_grant',
    status: 400,
    text: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  },
  65001: {
    error: 'invalid_grant',
    status: 400,
    text: "The user or administrator has not consented to use the application with ID '{0}' named '{1}'. Send an interactive authorization request for this user and resource.",
  },
  70000: { error: 'invalid_grant', status: 400, text: 'Provided grant is invalid or malformed. {0}' },
  1002012: {
    error: 'invalid_scope',
    status: 400,
    text: 'The provided value for scope {0} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  },
  500011: {
    error: 'invalid_resource',
    status: 400,
    text: 'The resource principal named {0} was not found in the tenant named {1}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  },
  70003: {
    error: 'unsupported_grant_type',
    status: 400,
    text: "The app requested an unsupported grant type '{0}'.",
  },
  70008: {
    error: 'invalid_grant',
    status: 400,
    text: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  },
  70011: {
    error: 'invalid_scope',
    status: 400,
    text: "The provided value for the input parameter 'scope' is not valid. The scope '{0}' is not valid.",
  },
  90002: {
    error: 'invalid_request',
    status: 400,
    text: "Tenant '{0}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  },
  700016: {
    error: 'unauthorized_client',
    status: 400,
    text: "Application with identifier '{0}' was not found in the directory '{1}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  700082: {
    error: 'invalid_grant',
    status: 400,
    text: 'The refresh token has expired due to inactivity. The token was issued on {0} and was inactive for 90.00:00:00.',
  },
  900144: {
    error: 'invalid_request',
    status: 400,
    text: "The request body must contain the following parameter: '{0}'.",
  },
  7000215: {
    error: 'invalid_client',
    status: 401,
    text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{0}'.",
  },
  7000218: {
    error: 'invalid_client',
    status: 401,
    text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  7000222: {
    error: 'invalid_client',
    status: 401,
    text: "The provided client secret keys for app '{0}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  },
  9002313: { error: 'invalid_grant', status: 400, text: 'Invalid request. Request is malformed or invalid.' },
  9002325: {
    error: 'invalid_request',
    status: 400,
    text: 'Proof Key for Code Exchange is required: send code_challenge with code_challenge_method=S256.',
  },
};

/** Entra's timestamp format: "2024-01-09 02:02:12Z". */
export function entraTimestamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export class AadstsError extends Error {
  readonly code: number;
  readonly error: string;
  readonly status: number;

  constructor(code: number, ...args: string[]) {
    const definition = AADSTS[code] ?? { error: 'invalid_request', status: 400, text: 'Injected error.' };
    super(definition.text.replace(/\{(\d)\}/g, (_, index: string) => args[Number(index)] ?? ''));
    this.code = code;
    this.error = definition.error;
    this.status = definition.status;
  }

  /** Entra's JSON error body; `errorUriBase` is the sign-in host (…/error?code=N). */
  body(now: number, errorUriBase: string): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = entraTimestamp(now);
    return {
      error: this.error,
      error_description: `AADSTS${this.code}: ${this.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [this.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${errorUriBase}/error?code=${this.code}`,
    };
  }

  /** The one line shown on Entra's own error page and in `error_description` of redirects. */
  describe(): string {
    return `AADSTS${this.code}: ${this.message}`;
  }
}
