import { firmNotificationsSchema } from '@lexbridge/contracts';
import { firmNotifications } from '../../../../../notifications/settings.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/notifications/firm',
  access: ['Admin'],
  summary: "The firm's notification settings: email defaults, digest interval, the incoming webhook",
  tags: ['notifications'],
  schema: { response: { 200: firmNotificationsSchema } },
  async handler(_request, _reply, lexbridge) {
    return firmNotifications(lexbridge);
  },
});
