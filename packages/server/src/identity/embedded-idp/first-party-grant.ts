import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * oidc-provider's loadExistingGrant for a first-party client: Lexbridge is the only client of the
 * embedded provider, so there is no consent screen; the grant covers whatever scopes and claims the
 * request asks for, and is kept on the provider session for the next sign-in.
 */
export async function firstPartyGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const client = oidc.client!;
  const session = oidc.session!;
  const existingId = oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const grant =
    (existingId ? await oidc.provider.Grant.find(existingId) : undefined) ??
    new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId! });
  grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
  const claims = [...oidc.requestParamClaims];
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}
