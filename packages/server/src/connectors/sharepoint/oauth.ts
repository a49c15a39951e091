import type { AuthorisationResultCode } from '@lexbridge/contracts';
import { AppError } from '../../errors.ts';
import type { ConnectorOAuth, OAuthMessages } from '../plugin.ts';
import { undici } from '../undici.ts';
import { sharepointSignInCheck } from './diagnostics.ts';
import { classifyEntraTokenError } from './entra.ts';
import { sharepointServer } from './server.ts';
import type { SharepointSettings } from './settings.ts';

/**
 * Per-person authorisation at Microsoft Entra ID: the v2 authorization-code flow with PKCE
 * ("Microsoft identity platform and OAuth 2.0 authorization code flow") at
 * `{sign-in host}/{tenant}/oauth2/v2.0/authorize` and `/token`, the client secret in the body,
 * refresh tokens rotated by the engine, and the account from Graph's `/me`.
 */
export const sharepointOAuth: ConnectorOAuth<SharepointSettings> = {
  authorizationServer(context, connector) {
    const server = sharepointServer(context, connector);
    return {
      issuer: `${server.authority}/v2.0`,
      authorizationEndpoint: `${server.authority}/oauth2/v2.0/authorize`,
      tokenEndpoint: `${server.authority}/oauth2/v2.0/token`,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      clientAuthentication: 'client_secret_post',
      scope: server.scope,
      // People often have several Microsoft accounts: let them pick the work one.
      authorizationParameters: { prompt: 'select_account' },
      wantsRefreshToken: server.wantsRefreshToken,
      dispatcher: server.dispatcher,
      address: server.loginHost,
    };
  },
  precheck: sharepointSignInCheck,
  async lookUpAccount(context, connector, tokens) {
    const server = sharepointServer(context, connector);
    const res = await undici()
      .request(`${server.graphBase}/me`, {
        dispatcher: server.dispatcher,
        headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
        headersTimeout: 30_000,
      })
      .catch((err: unknown) => {
        throw new AppError(
          'connector_unreachable',
          `GET ${server.graphBase}/me failed: ${(err as Error).message}`,
        );
      });
    const me = (await res.body.json().catch(() => ({}))) as {
      id?: string;
      displayName?: string;
      mail?: string | null;
      userPrincipalName?: string;
    };
    if (res.statusCode !== 200 || !me.id)
      throw new AppError('connector_error', `GET ${server.graphBase}/me answered ${res.statusCode}.`);
    return {
      id: me.id,
      name: me.displayName ?? null,
      email: me.mail ?? me.userPrincipalName ?? null,
      facts: [
        { label: 'Signed in as', value: me.userPrincipalName ?? me.id },
        { label: 'Tenant', value: server.tenantId },
      ],
      details: { tenantId: server.tenantId, graphHost: server.graphHost },
    };
  },
  classifyTokenError: classifyEntraTokenError,
  messages: sharepointMessages(),
};

function sharepointMessages(): OAuthMessages {
  const results: Partial<Record<AuthorisationResultCode, { message: string; nextStep: string }>> = {
    access_denied: {
      message: 'Sign-in was cancelled, or Microsoft refused the permissions Lexbridge asks for.',
      nextStep:
        'Choose Authorise again. If Microsoft says "Need admin approval", an administrator must grant admin consent to the app (API permissions > Grant admin consent).',
    },
    invalid_client: {
      message:
        "Microsoft Entra ID did not accept the connector's Secret Key: it is wrong (often the Secret ID was pasted instead of its Value, AADSTS7000215) or has expired (AADSTS7000222).",
      nextStep:
        'A Connector Admin should add a new client secret in the app registration (Certificates & secrets), save its Value as the Secret Key, then run Test and authorise again.',
    },
    unauthorized_client: {
      message: 'Microsoft Entra ID does not know this Client Id in the tenant (AADSTS700016).',
      nextStep:
        "A Connector Admin should check the Client Id and Tenant ID against the app registration's Overview, then run Test.",
    },
    invalid_grant: {
      message:
        'Microsoft refused the sign-in: the code expired or was used, consent is missing (AADSTS65001), or your account is not assigned to the app (AADSTS50105).',
      nextStep:
        'Choose Authorise again. If it fails again, ask your Microsoft 365 administrator to grant admin consent and to assign you to the app (Enterprise applications > Users and groups).',
    },
    invalid_scope: {
      message: 'Microsoft did not accept the Scope of the connector (AADSTS70011).',
      nextStep:
        'A Connector Admin should set Scope to "https://graph.microsoft.com/.default offline_access".',
    },
    invalid_request: {
      message:
        "Microsoft rejected the sign-in request: the Tenant ID may be wrong (AADSTS90002) or this server's redirect URL is not registered (AADSTS50011).",
      nextStep:
        "A Connector Admin should run Test on the connector and check the app registration's redirect URI (https://<host>/api/connectors/authorised).",
    },
    refresh_token_not_issued: {
      message: 'Authorised, but Microsoft issued no refresh token, so access stops within about an hour.',
      nextStep:
        'A Connector Admin should add "offline_access" to the Scope and turn Refresh Token on, then authorise again.',
    },
    server_unreachable: {
      message: 'Lexbridge could not reach Microsoft to finish the sign-in.',
      nextStep:
        'Run Test on the connector: it checks DNS, the network, certificates and the proxy for the sign-in and Graph hosts.',
    },
    account_lookup_failed: {
      message: 'Signed in, but Microsoft Graph did not say who you are (GET /me failed).',
      nextStep:
        'Check that the app has the delegated permission User.Read with admin consent, then authorise again.',
    },
  };
  return {
    noRefreshToken: 'Add "offline_access" to the connector\'s Scope and keep Refresh Token on',
    results,
  };
}
