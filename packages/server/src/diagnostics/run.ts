import type { DiagnosticsReport } from '@lexbridge/contracts';
import { userAccess } from '../authorisation/user-access.ts';
import { loadConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { notify } from '../notifications/notify.ts';

/**
 * Why can't Lexbridge use this connector? The same report serves POST /api/connectors/{id}/test and
 * `lexbridge doctor <connector-id>`: the connector's plug-in runs its own steps (for a server: DNS,
 * TCP, TLS, then what the system answers), and with `userId` also what that user's authorisation can
 * do. Each failed step says what to do.
 */
export async function runDiagnostics(
  lexbridge: Lexbridge,
  connectorId: string,
  userId?: string,
): Promise<DiagnosticsReport> {
  const { plugin, connector } = await loadConnector(lexbridge, connectorId);
  if (!plugin.diagnostics)
    throw new AppError(
      'connector_test_unavailable',
      `Connectors of type ${plugin.label} have no connection test.`,
    );
  const access = userId && plugin.oauth ? userAccess(lexbridge, { connectorId, userId }) : undefined;
  const { target, steps, secretExpired } = await plugin.diagnostics.run(lexbridge, connector, access);
  // No system tells Lexbridge ahead of time; an expired secret (Entra AADSTS7000222) is reported at once.
  if (secretExpired)
    await notify(lexbridge.store.db, { type: 'secret.expiring', connectorId, expiresAt: new Date() });
  return { connectorId, serverAddress: target, ok: steps.every((s) => s.ok), steps };
}
