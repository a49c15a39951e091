import type { IntegrationKit } from '../../../../../connectors/plugin.ts';
import { integrationKit } from '../../../../../connectors/registry.ts';
import { AppError } from '../../../../../errors.ts';

/** The registration kit a route names, or 404 not_found. */
export function integrationFor(name: string): IntegrationKit {
  const kit = integrationKit(name);
  if (!kit) throw new AppError('not_found', `No connector type offers an integration called "${name}".`);
  return kit;
}
