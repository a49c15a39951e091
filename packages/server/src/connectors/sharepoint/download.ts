import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AppError } from '../../errors.ts';
import { describe, type GraphClient } from './graph-client.ts';

/**
 * Downloads through `GET …/content` (driveItem "Download the contents"): Graph answers 302 with a
 * short-lived pre-authenticated URL, which is requested WITHOUT the bearer token. A connection that
 * drops mid-way is resumed with `Range: bytes=<received>-` on a fresh URL (206 expected), up to
 * `resumes` times, so a large download survives a reset without starting over.
 */
export interface Download {
  stream: Readable;
  size?: number;
}

const resumes = 3;

async function locate(client: GraphClient, contentPath: string, signal?: AbortSignal): Promise<string> {
  const res = await client.send('GET', contentPath, { idempotent: true, ...(signal ? { signal } : {}) });
  await res.body.dump();
  const location = res.headers.location;
  const target = Array.isArray(location) ? location[0] : location;
  if (res.statusCode >= 300 && res.statusCode < 400 && target)
    return new URL(target, client.url(contentPath)).href;
  throw new AppError(
    'connector_error',
    `GET ${describe(client.url(contentPath))} answered ${res.statusCode} without a download address.`,
    { status: res.statusCode },
  );
}

async function fetchFrom(
  client: GraphClient,
  contentPath: string,
  from: number,
  signal?: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  const url = await locate(client, contentPath, signal);
  const res = await client.preauthenticated('GET', url, {
    idempotent: true,
    ...(from > 0 ? { headers: { range: `bytes=${from}-` } } : {}),
    ...(signal ? { signal } : {}),
  });
  const range = String(res.headers['content-range'] ?? '');
  if (from > 0 && (res.statusCode !== 206 || !range.startsWith(`bytes ${from}-`))) {
    await res.body.dump();
    throw new AppError(
      'connector_error',
      'The download host did not resume the download where it broke off.',
    );
  }
  return res;
}

async function* resumingBody(
  client: GraphClient,
  contentPath: string,
  first: Dispatcher.ResponseData,
  size: number | undefined,
  signal?: AbortSignal,
): AsyncIterable<Buffer> {
  let received = 0;
  let res = first;
  for (let resumed = 0; ; resumed++) {
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        received += chunk.length;
        yield chunk;
      }
      if (size === undefined || received >= size) return;
      throw new Error(`the download ended after ${received} of ${size} bytes`);
    } catch (err) {
      if (signal?.aborted || resumed >= resumes || size === undefined) throw err;
      res = await fetchFrom(client, contentPath, received, signal);
    }
  }
}

/** Opens `contentPath` (…/content or …/versions/{id}/content) as a stream that resumes after drops. */
export async function openDownload(
  client: GraphClient,
  contentPath: string,
  signal?: AbortSignal,
): Promise<Download> {
  const first = await fetchFrom(client, contentPath, 0, signal);
  const length = Number(first.headers['content-length']);
  const size = first.headers['content-length'] !== undefined && Number.isFinite(length) ? length : undefined;
  const stream = Readable.from(resumingBody(client, contentPath, first, size, signal), { objectMode: false });
  return { stream, ...(size !== undefined ? { size } : {}) };
}
