import type { AuthorisationResultCode, Connector, ConnectorType } from '@lexbridge/contracts';

/**
 * Words for a check that stopped Authorise before any sign-in page was shown. The generic result
 * texts speak of finishing an authorisation, which for an unreachable server is not what happened:
 * nothing was signed in to, and the address (or the network to it) is what to check.
 */
export function beforeSignInText(
  code: AuthorisationResultCode,
  type: Pick<ConnectorType, 'systemName' | 'label'> | undefined,
  connector: Connector | undefined,
  admin: boolean,
): { message: string; nextStep: string } | undefined {
  if (code !== 'server_unreachable') return undefined;
  const system = type?.systemName ?? type?.label ?? 'the system';
  const address = connector?.config.serverAddress;
  const at = typeof address === 'string' && address ? ` at ${address}` : '';
  return {
    message: `Lexbridge could not reach ${system}${at}, so it did not send you to sign in. Nothing was authorised or changed.`,
    nextStep: admin
      ? "Check the connector's Server Address (Edit connector): it must be the address this Lexbridge server reaches the system at. If it is right, the network between them is blocking it (firewall, proxy, IP allowlist); the steps below say where it stopped."
      : 'Tell your Connector Admin: the Server Address may be wrong, or this Lexbridge server cannot reach the system. Try again once they have checked it.',
  };
}

/** Failures only a Connector Admin can fix, in the connector's settings: trying again would fail again. */
export function fixedInSettings(code: AuthorisationResultCode, beforeSignIn: boolean): boolean {
  return (
    code === 'invalid_client' ||
    code === 'unauthorized_client' ||
    (beforeSignIn && code === 'server_unreachable')
  );
}
