import { auditListResponse, auditQuerySchema } from '@lexbridge/contracts';
import { listAuditEvents } from '../../../../../audit/query.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/admin/audit',
  access: ['Admin', 'ConnectorAdmin'],
  summary: 'The audit log (sign-ins, sign-outs, denied access, administrative changes), newest first',
  tags: ['admin'],
  schema: { querystring: auditQuerySchema, response: { 200: auditListResponse } },
  async handler(request, _reply, lexbridge) {
    const q = request.query;
    return listAuditEvents(lexbridge.store.db, {
      action: q.action,
      actorUserId: q.actorUserId,
      outcome: q.outcome,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      before: q.before,
      limit: q.limit,
    });
  },
});
