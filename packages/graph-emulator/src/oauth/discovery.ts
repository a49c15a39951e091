/**
 * Per-tenant v2 OpenID configuration and signing keys. As in Entra, the issuer and endpoints name the
 * tenant by its id even when the document was asked for by domain name.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { AadstsError } from './aadsts.ts';

export function registerDiscovery(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { tenant: string } }>(
    '/:tenant/v2.0/.well-known/openid-configuration',
    async (request, reply) => {
      const tenant = ctx.store.findTenant(request.params.tenant);
      const { login, graph } = ctx.urls();
      if (!tenant) {
        const error = new AadstsError(90002, request.params.tenant);
        return reply.code(400).send({ ...error.body(ctx.clock.now(), login), error: 'invalid_tenant' });
      }
      const base = `${login}/${tenant.id}`;
      return {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${graph}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: [
          'sub',
          'iss',
          'aud',
          'exp',
          'iat',
          'nonce',
          'preferred_username',
          'name',
          'tid',
          'ver',
          'email',
          'oid',
        ],
        tenant_region_scope: 'EU',
        cloud_instance_name: new URL(login).host,
        msgraph_host: new URL(graph).host,
      };
    },
  );

  app.get<{ Params: { tenant: string } }>('/:tenant/discovery/v2.0/keys', async () => ({
    keys: [ctx.tokens.publicJwk],
  }));
}
