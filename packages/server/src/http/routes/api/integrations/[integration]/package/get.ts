import { imanageFlavourSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { buildExtensionPackage } from '../../../../../../connectors/imanage/extension-package.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/integrations/imanage/package',
  access: ['Admin', 'ConnectorAdmin'],
  summary:
    'The Lexbridge extension package (ZIP with manifest.yaml) for iManage Control Center, prefilled for this server',
  tags: ['integrations'],
  schema: { querystring: z.object({ flavour: imanageFlavourSchema.default('on-premises') }) },
  async handler(request, reply, lexbridge) {
    const { fileName, bytes } = buildExtensionPackage(lexbridge.config, request.query.flavour);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(bytes));
  },
});
