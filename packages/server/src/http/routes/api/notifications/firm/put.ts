import { firmNotificationsSchema, firmNotificationsUpdateSchema } from '@lexbridge/contracts';
import { updateFirmNotifications } from '../../../../../notifications/settings.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'PUT',
  url: '/api/notifications/firm',
  access: ['Admin'],
  summary: "Change the firm's notification settings; the webhook address and secret are write-only",
  tags: ['notifications'],
  schema: { body: firmNotificationsUpdateSchema, response: { 200: firmNotificationsSchema } },
  async handler(request, _reply, lexbridge) {
    return updateFirmNotifications(lexbridge, request.body, { userId: request.user.id, ip: request.ip });
  },
});
