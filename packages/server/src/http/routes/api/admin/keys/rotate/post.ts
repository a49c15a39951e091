import { z } from 'zod';
import { rotateKeys } from '../../../../../../crypto/rotate-keys.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/admin/keys/rotate',
  access: 'local-admin',
  summary: 'Re-encrypt every stored secret under the primary key (used by `lexbridge keys rotate`)',
  tags: ['admin'],
  schema: {
    response: {
      200: z.object({
        primaryKeyId: z.string(),
        reencrypted: z.number(),
        alreadyCurrent: z.number(),
        skippedConcurrent: z.number(),
      }),
    },
  },
  async handler(_request, _reply, lexbridge) {
    return rotateKeys(lexbridge);
  },
});
