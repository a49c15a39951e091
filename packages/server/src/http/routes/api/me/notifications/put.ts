import { myNotificationsSchema, myNotificationsUpdateSchema } from '@lexbridge/contracts';
import { updateMyNotifications } from '../../../../../notifications/settings.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'PUT',
  url: '/api/me/notifications',
  access: 'signed-in',
  summary: 'Choose which events to be emailed about (null: follow the firm default)',
  tags: ['notifications'],
  schema: { body: myNotificationsUpdateSchema, response: { 200: myNotificationsSchema } },
  async handler(request, _reply, lexbridge) {
    return updateMyNotifications(lexbridge, request.user.id, request.body);
  },
});
