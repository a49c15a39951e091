import { imanageSetupSchema } from '@lexbridge/contracts';
import { imanageSetup } from '../../../../../../connectors/imanage/extension-package.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/integrations/imanage/setup',
  access: ['Admin', 'ConnectorAdmin'],
  summary:
    'The values an iManage administrator enters in Control Center for Lexbridge (redirect URL, host, egress IPs)',
  tags: ['integrations'],
  schema: { response: { 200: imanageSetupSchema } },
  async handler(_request, _reply, lexbridge) {
    return imanageSetup(lexbridge.config);
  },
});
