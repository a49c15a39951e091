import { imanageFlavourSchema } from '@lexbridge/contracts';
import { AppError } from '../../errors.ts';
import type { IntegrationKit } from '../plugin.ts';
import { buildExtensionPackage, imanageSetup } from './extension-package.ts';

/** Control Center's side of registering Lexbridge: the values to enter, and the extension package. */
export const imanageIntegration: IntegrationKit = {
  name: 'imanage',
  setup: (config) => ({ ...imanageSetup(config) }),
  package(config, query) {
    const flavour = imanageFlavourSchema.safeParse(query.flavour ?? 'on-premises');
    if (!flavour.success) {
      throw new AppError('validation_failed', 'querystring.flavour: expected on-premises or classic-cloud');
    }
    const { fileName, bytes } = buildExtensionPackage(config, flavour.data);
    return { fileName, bytes, contentType: 'application/zip' };
  },
};
