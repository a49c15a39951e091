import { ContentError } from '../../connectors/content.ts';
import { isOutage } from '../../retry.ts';
import { technicalDetail } from '../outage.ts';

/** A message written for a developer: it names an HTTP call, a URL or a socket error. */
const technical = /^(GET|POST|PUT|PATCH|DELETE|HEAD) \S|https?:\/\/|\bE[A-Z]{4,}\b|UND_ERR/;

/** What each kind of failure means for the person, and what to do next. */
const plainByCode: Record<ContentError['code'], (system: string) => string> = {
  content_unavailable: (s) =>
    `${s} did not answer, so this item was not done. The next run tries it again; if this keeps happening, ask your administrator to check that ${s} is running and reachable from the Lexbridge server.`,
  content_not_found: (s) =>
    `${s} could not find this item: it may have been moved or deleted, or you may have lost access to it. Check it in ${s}; the next run tries again.`,
  content_access_denied: (s) =>
    `${s} refused access to this item. Ask whoever manages it in ${s} for access; the next run tries again.`,
  content_conflict: (s) =>
    `${s} would not change this item: it is in use or was changed meanwhile. The next run tries again.`,
  content_invalid: (s) =>
    `${s} did not accept this item as it is. Check its name and content; the next run tries again.`,
  content_reauthorise: (s) => `The connection to ${s} has expired. Re-authorise it on the Connectors page.`,
};

/**
 * Plain words for an item's failure, with a stable code and, where the cause was technical, the
 * technical `detail` (the web shows it behind "Details"). `system` names the side that failed.
 */
export function plainFailure(
  err: unknown,
  verification: boolean,
  system = 'The other system',
): { errorCode: string; error: string; detail: string | null } {
  if (verification && err instanceof Error)
    return { errorCode: 'workflow_item_verification_failed', error: err.message, detail: null };
  const detail = technicalDetail(err);
  if (err instanceof ContentError) {
    const plain = isOutage(err) ? plainByCode.content_unavailable : plainByCode[err.code];
    if (!technical.test(err.message)) return { errorCode: err.code, error: err.message, detail: null };
    // What the system said about an item it refused ("required field class is missing") helps the person.
    const said = err.code === 'content_invalid' ? /answered \d{3}: (.+)$/.exec(err.message)?.[1] : undefined;
    return {
      errorCode: err.code,
      error: said ? `${plain(system)} ${system} said: ${said}` : plain(system),
      detail,
    };
  }
  if (isOutage(err))
    return { errorCode: 'content_unavailable', error: plainByCode.content_unavailable(system), detail };
  return {
    errorCode: 'workflow_item_failed',
    error:
      'The item could not be done because of an unexpected error. The next run tries it again; if it fails again, send the details to your administrator.',
    detail,
  };
}

/**
 * Plain words for an item that failed the way an outage would (its connection cut off, a timeout)
 * while `system` answered: the failure is the item's own, so the run recorded it and carried on.
 */
export function failedAlone(
  err: unknown,
  system = 'The other system',
): { errorCode: string; error: string; detail: string | null } {
  return {
    errorCode: 'content_unavailable',
    error: `${system} answers, but this item failed each time it was tried (its transfer was cut off or timed out), so the run recorded it as failed and carried on with the rest. The next run tries it again; if it keeps failing, send the details to your administrator.`,
    detail: technicalDetail(err) || null,
  };
}
