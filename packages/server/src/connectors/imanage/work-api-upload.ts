import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError } from '../../errors.ts';
import type { DocumentProfile, NewDocument } from './work-api.ts';
import type { WorkApiTransport } from './work-api-transport.ts';

/**
 * Sends a new document or version: the profile (with the folder's fields inherited, as iManage's own
 * clients ask) and the streamed file; replayable after a 401 or 429 when the content is a factory.
 */
export function upload(
  api: Pick<WorkApiTransport, 'json'>,
  path: string,
  document: Omit<NewDocument, 'name'> & { name?: string },
): Promise<DocumentProfile> {
  const profile = {
    warnings_for_required_and_disabled_fields: true,
    doc_profile: {
      ...(document.name ? { name: document.name } : {}),
      extension: document.extension,
      size: document.size,
      ...document.profile,
    },
    // Client, matter and the other folder fields come from the folder, as iManage's own clients ask.
    inherit_profile_from_folder: true,
    ...(document.comment ? { audit: { comments: document.comment } } : {}),
  };
  const fileName = `${document.name ?? 'document'}${document.extension ? `.${document.extension}` : ''}`;
  const replayable = typeof document.content === 'function';
  let used = false;
  const multipart = () => {
    if (used && !replayable)
      throw new AppError(
        'connector_error',
        'The upload cannot be sent again: its content was a one-time stream.',
      );
    used = true;
    const content = typeof document.content === 'function' ? document.content() : document.content;
    return multipartBody(JSON.stringify(profile), fileName, content, document.size);
  };
  return api
    .json<{ data: DocumentProfile }>('POST', path, {
      body: { multipart },
      replayable,
      idempotent: false,
      ...(document.signal ? { signal: document.signal } : {}),
    })
    .then((b) => b.data);
}

export function filenameFrom(disposition: string): string | undefined {
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall back to the plain parameter
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1];
}

/** A multipart/form-data body (profile JSON + file) that streams the file; its length is exact. */
function multipartBody(
  profileJson: string,
  fileName: string,
  content: Readable,
  size: number,
): { body: Readable; contentType: string; length: number } {
  const boundary = `lexbridge-${randomBytes(12).toString('hex')}`;
  const safeName = fileName.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    // The profile part is typed application/json, as iManage's own samples send it.
    `--${boundary}\r\nContent-Disposition: form-data; name="profile"\r\nContent-Type: application/json\r\n\r\n${profileJson}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    let sent = 0;
    for await (const chunk of content) {
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (sent !== size)
      throw new AppError(
        'connector_error',
        `The upload of ${fileName} was ${sent} bytes, not the ${size} declared.`,
      );
    yield tail;
  }
  return {
    body: Readable.from(parts()),
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
  };
}
