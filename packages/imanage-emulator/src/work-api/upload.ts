/**
 * Reads a Work API upload: multipart/form-data with a `profile` part (JSON, {doc_profile: {...}}) and
 * a `file` part. The file is streamed to a temp file while being hashed, so uploads of any size cost
 * constant memory. Parts may arrive in either order.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { ContentSource } from '../model.ts';
import { EmulatorError } from '../store.ts';

export interface UploadedDocument {
  docProfile: Record<string, unknown>;
  content: ContentSource & { kind: 'file' };
  fileName: string;
}

export async function readUpload(request: FastifyRequest, uploadDir: string): Promise<UploadedDocument> {
  if (!request.isMultipart()) {
    throw new EmulatorError(
      400,
      'InvalidParameter',
      'expected multipart/form-data with "profile" and "file" parts',
    );
  }
  let profileText: string | undefined;
  let stored: { path: string; size: number; sha256: string; fileName: string } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        // @fastify/multipart hands a part sent as application/json over already parsed.
        if (part.fieldname === 'profile') {
          profileText = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        }
        continue;
      }
      if (part.fieldname === 'profile') {
        profileText = (await part.toBuffer()).toString('utf8');
      } else if (part.fieldname === 'file' && !stored) {
        stored = await storeFile(part.file, uploadDir, part.filename);
      } else {
        part.file.resume();
      }
    }
  } catch (error) {
    if (stored) await rm(stored.path, { force: true });
    throw error;
  }
  if (!stored) throw new EmulatorError(400, 'InvalidParameter', 'the "file" part is missing');
  const docProfile = parseProfile(profileText);
  if (!docProfile) {
    await rm(stored.path, { force: true });
    throw new EmulatorError(
      400,
      'InvalidParameter',
      'the "profile" part must be JSON with a "doc_profile" object',
    );
  }
  return {
    docProfile,
    fileName: stored.fileName,
    content: { kind: 'file', path: stored.path, size: stored.size, sha256: stored.sha256 },
  };
}

function parseProfile(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { doc_profile?: unknown };
    const profile = parsed.doc_profile;
    return profile && typeof profile === 'object' && !Array.isArray(profile)
      ? (profile as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function storeFile(source: NodeJS.ReadableStream, uploadDir: string, fileName: string) {
  const path = join(uploadDir, randomUUID());
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, measure, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, size, sha256: hash.digest('hex'), fileName };
}

/** Splits "Draft.final.docx" into ["Draft.final", "docx"]. */
export function splitFileName(fileName: string): [string, string] {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot + 1)] : [fileName, ''];
}
