import { myNotificationsSchema } from '@lexbridge/contracts';
import { myNotifications } from '../../../../../notifications/settings.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/me/notifications',
  access: 'signed-in',
  summary: 'Which events the signed-in person is emailed about, and the firm defaults behind them',
  tags: ['notifications'],
  schema: { response: { 200: myNotificationsSchema } },
  async handler(request, _reply, lexbridge) {
    return myNotifications(lexbridge, request.user.id);
  },
});
