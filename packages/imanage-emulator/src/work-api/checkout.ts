/**
 * Check-out (lock): POST …/documents/{id}/lock checks a document out to the caller, DELETE …/lock
 * checks it in, GET …/documents/{id}/checkout says who has it. While a document is checked out,
 * anyone else's new version, move or delete is refused with 409 DocumentCheckedOut; profiles show
 * is_checked_out, is_in_use and in_use_by.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import type { DocumentRecord } from '../model.ts';
import { EmulatorError } from '../store.ts';
import { callerOf, requireAccess, visibleDocument } from './guard.ts';
import { documentProfile } from './profiles.ts';

type ItemParams = { library: string; id: string };

export function refuseIfCheckedOut(document: DocumentRecord, userId: string): void {
  const holder = document.checkout?.user;
  if (holder !== undefined && holder !== userId) {
    throw new EmulatorError(
      409,
      'DocumentCheckedOut',
      `Document ${document.library}!${document.number} is checked out by ${holder}`,
    );
  }
}

export function registerCheckout(api: FastifyInstance, ctx: EmulatorContext): void {
  const lockable = (request: { params: ItemParams }, caller: ReturnType<typeof callerOf>) => {
    const found = visibleDocument(ctx, caller, request.params.library, request.params.id);
    requireAccess(found.access, 'read_write', request.params.id);
    return found;
  };

  api.post<{ Params: ItemParams }>('/libraries/:library/documents/:id/lock', async (request) => {
    const caller = callerOf(request);
    const { document, version, access } = lockable(request, caller);
    refuseIfCheckedOut(document, caller.user.id);
    document.checkout ??= { user: caller.user.id, since: ctx.clock.now() };
    return { data: documentProfile(ctx, document, version, access) };
  });

  api.delete<{ Params: ItemParams }>('/libraries/:library/documents/:id/lock', async (request, reply) => {
    const caller = callerOf(request);
    const { document, access } = lockable(request, caller);
    // The holder checks in; someone else needs full_access (an administrator releasing a lock).
    if (document.checkout && document.checkout.user !== caller.user.id)
      requireAccess(access, 'full_access', request.params.id);
    delete document.checkout;
    return reply.code(204).send();
  });

  api.get<{ Params: ItemParams }>('/libraries/:library/documents/:id/checkout', async (request) => {
    const { document } = visibleDocument(ctx, callerOf(request), request.params.library, request.params.id);
    const checkout = document.checkout;
    return {
      data: {
        is_checked_out: checkout !== undefined,
        in_use_by: checkout?.user ?? '',
        ...(checkout ? { checkout_date: new Date(checkout.since).toISOString() } : {}),
      },
    };
  });
}
