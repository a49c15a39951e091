import type { AuthorisationResultCode } from '@lexbridge/contracts';
import type { ConnectorOAuth, OAuthMessages } from '../plugin.ts';
import { imanageAuthorizationServer, imanageCredentialsAdvice } from './authorization-server.ts';
import { imanageSignInCheck } from './diagnostics.ts';
import { lookUpAccount } from './discovery.ts';
import { imanageServer } from './server.ts';
import type { ImanageSettings } from './settings.ts';

/**
 * Per-user authorisation at an iManage Work Server: OAuth 2.0 with the server's own endpoints
 * (authorization-server.ts), checked before anyone is sent to sign in (the server answers, and
 * accepts the Client Id and Secret Key), and the account learnt from GET {server}/api.
 */
export const imanageOAuth: ConnectorOAuth<ImanageSettings> = {
  authorizationServer: imanageAuthorizationServer,
  precheck: imanageSignInCheck,
  lookUpAccount(context, connector, tokens) {
    return lookUpAccount(imanageServer(context, connector), tokens.accessToken);
  },
  tokenErrorCode: imanageTokenErrorCode,
  messages: imanageMessages(),
};

/**
 * Token-endpoint answers of real iManage servers and the proxies before them that are not RFC 6749
 * JSON: the Work API envelope `{"error":{"code":"InvalidGrant"}}` (codes in PascalCase), an HTML error
 * page, or a 401 with no body. A 400 or 401 means the grant was refused (expired or revoked: the user
 * re-authorises); anything else (5xx, a gateway's 502 page) stays a transient failure.
 */
export function imanageTokenErrorCode(answer: {
  status: number;
  contentType: string;
  body: string;
}): string | undefined {
  if (answer.status !== 400 && answer.status !== 401) return undefined;
  try {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown } };
    const code = parsed.error?.code;
    if (typeof code === 'string' && code !== '')
      return code.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  } catch {
    // not JSON: an HTML page or nothing at all
  }
  return 'invalid_grant';
}

function imanageMessages(): OAuthMessages {
  // Only where iManage needs its own words: the generic wording (contracts) covers the rest.
  const results: Partial<Record<AuthorisationResultCode, { message: string; nextStep: string }>> = {
    access_denied: {
      message: 'Authorisation was cancelled, or your account may not use this application.',
      nextStep:
        'Choose Authorise again and sign in. If it is refused again, ask your iManage administrator to give you access to the application in Control Center.',
    },
    invalid_client: {
      message: "The iManage server did not accept the connector's Client Id or Secret Key.",
      nextStep: imanageCredentialsAdvice,
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
    server_unreachable: {
      message: 'Lexbridge could not reach the iManage server to finish the authorisation.',
      nextStep:
        'Run Test on the connector to see whether this server can reach iManage (public URL, Application Proxy, IP allowlist, certificates).',
    },
    account_lookup_failed: {
      message:
        'Signed in, but the iManage server did not say which account and library the token belongs to.',
      nextStep:
        'Run Test on the connector; check that the Server Address is the iManage Work Server and that it is version 10 or later.',
    },
    refresh_token_not_issued: {
      message: 'Authorised, but iManage issued no refresh token, so access stops when the token expires.',
      nextStep:
        'Ask your iManage administrator to turn on "Allow refresh token" for the application in Control Center, then authorise again.',
    },
  };
  return {
    noRefreshToken:
      'Ask your iManage administrator to turn on "Allow refresh token" for the application in Control Center',
    results,
  };
}
