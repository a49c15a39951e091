import { AppError, isAppError } from '../../errors.ts';
import { carryRetryState } from '../../retry.ts';
import { ContentError } from '../content.ts';

/**
 * Microsoft Graph's errors in plain language. Graph answers `{ "error": { "code", "message" } }`
 * (Microsoft Graph "Error responses and resource types"); the code is stable, the message is for
 * developers. Each code we meet in files work gets a sentence a person can act on; the Graph code and
 * status travel in the AppError's details (`graphCode`, `status`) for logs and tests.
 */
const plain: Record<string, string> = {
  itemNotFound: 'It does not exist, or your account cannot see it.',
  accessDenied: 'Your account may not do this here (ask the site owner for edit rights).',
  nameAlreadyExists: 'Something with that name is already there.',
  quotaLimitReached: 'The site or OneDrive is full (its storage quota is reached).',
  resourceModified: 'It was changed by someone else meanwhile.',
  invalidRange: 'The upload went out of step with the server.',
  activityLimitReached: 'Microsoft 365 is limiting requests from Lexbridge for a moment.',
  serviceNotAvailable: 'Microsoft 365 is temporarily unavailable.',
  generalException: 'Microsoft 365 had an internal error.',
  notAllowed: 'SharePoint does not allow this here.',
  notSupported: 'SharePoint does not support this.',
  malwareDetected: 'Microsoft 365 blocked the file because it found malware in it.',
  InvalidAuthenticationToken: 'Microsoft 365 did not accept the access token.',
  unauthenticated: 'Microsoft 365 did not accept the access token.',
  resyncRequired: 'The change list must be read again from the start.',
};

export interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: { code?: string } };
}

/** The AppError for a Graph answer with status >= 400 (`where` names the call, without its query). */
export function graphFailure(
  where: string,
  status: number,
  body: GraphErrorBody | undefined,
  retry: { retryable?: boolean; retryAfterSeconds?: number | undefined } = {},
): AppError {
  const retryAfterSeconds = retry.retryAfterSeconds;
  const graphCode = body?.error?.code ?? `http_${status}`;
  const said = body?.error?.message ?? '';
  const words = plain[graphCode] ?? (said || `Microsoft Graph answered ${status}.`);
  const message = `${where}: ${words}${said && plain[graphCode] ? ` (Graph: ${graphCode}: ${said})` : ''}`;
  const details = {
    status,
    graphCode,
    ...(body?.error?.innerError?.code ? { innerCode: body.error.innerError.code } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
  const options = {
    retryable: retry.retryable ?? false,
    ...(retryAfterSeconds !== undefined ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
  };
  if (status === 404) return new AppError('connector_item_not_found', message, details, options);
  if (status === 403) return new AppError('connector_access_denied', message, details, options);
  if (status === 401) return new AppError('connection_expired', message, details, options);
  if (status === 429 || (status === 503 && retryAfterSeconds !== undefined))
    return new AppError('connector_rate_limited', message, details, options);
  return new AppError('connector_error', message, details, options);
}

/** Translates the client's AppErrors into the engine's ContentErrors: retryable, reauthorise, conflict. */
export function contentErrorFrom(err: unknown): unknown {
  return isAppError(err) ? carryRetryState(err, translate(err)) : err;
}

function translate(err: AppError): unknown {
  const status = Number(err.details?.status);
  const graphCode = String(err.details?.graphCode ?? '');
  const seconds = Number(err.details?.retryAfterSeconds);
  switch (err.code) {
    case 'connector_item_not_found':
      return new ContentError('content_not_found', err.message, { cause: err });
    case 'connector_access_denied':
      return new ContentError('content_access_denied', err.message, { cause: err });
    case 'connection_expired':
    case 'connection_not_authorised':
    case 'refresh_token_not_issued':
      return new ContentError('content_reauthorise', err.message, { cause: err });
    case 'connector_rate_limited':
      return new ContentError('content_unavailable', err.message, {
        retryable: true,
        cause: err,
        ...(seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
      });
    case 'connector_unreachable':
      return new ContentError('content_unavailable', err.message, { retryable: err.retryable, cause: err });
    case 'connector_error':
      if (status === 409 || graphCode === 'nameAlreadyExists')
        return new ContentError('content_conflict', err.message, { cause: err });
      if (status === 400 || status === 413 || graphCode === 'notAllowed')
        return new ContentError('content_invalid', err.message, { cause: err });
      return new ContentError('content_unavailable', err.message, { retryable: err.retryable, cause: err });
    default:
      return err;
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
