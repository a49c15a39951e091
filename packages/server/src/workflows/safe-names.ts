import { createHash } from 'node:crypto';
import type { NameRules } from '../connectors/content.ts';

const windowsForbidden = new Set('<>:"/\\|?*');
const windowsReserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** Replaces each character that `forbidden` says no to (and every control character) with `_`. */
function replaceForbidden(name: string, forbidden: (ch: string) => boolean): string {
  let out = '';
  for (const ch of name) out += (ch.codePointAt(0) as number) < 0x20 || forbidden(ch) ? '_' : ch;
  return out;
}

/** A short, stable tag of the original name, so two names that become alike stay distinct. */
export function nameTag(original: string): string {
  return createHash('sha256').update(original).digest('hex').slice(0, 6);
}

function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 16) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * The name a target can hold, derived predictably from the source name:
 * - Windows-forbidden characters (`< > : " / \ | ? *`, control characters) become `_`;
 * - trailing dots and spaces become `_`;
 * - reserved device names (CON, NUL, COM1, CONIN$…) before the first dot get `_` appended
 *   (`CON.txt` → `CON_.txt`, `nul.tar.gz` → `nul_.tar.gz`);
 * - a name too long is cut at a character boundary and keeps its extension, with `~` and a 6-character
 *   tag of the original name before it, so two long names sharing a prefix stay distinct.
 * The same input always yields the same output; an acceptable name is returned unchanged.
 * On every target `/` is replaced, as no system can hold it in a name.
 */
export function makeSafeName(name: string, rules: NameRules): string {
  let safe = rules.windows
    ? replaceForbidden(name, (ch) => windowsForbidden.has(ch))
    : name.replaceAll('/', '_').replaceAll('\0', '_');
  if (rules.windows) {
    safe = safe.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length));
    // Windows reserves a device name before the first dot, whatever follows ("nul.tar.gz").
    const dot = safe.indexOf('.');
    const head = dot < 0 ? safe : safe.slice(0, dot);
    if (windowsReserved.test(head.trim())) safe = `${head}_${safe.slice(head.length)}`;
  }
  if (rules.adjust) safe = rules.adjust(safe);
  if (safe === '' || safe === '.' || safe === '..') safe = `_${safe}`;
  if (Buffer.byteLength(safe) > rules.maxBytes) {
    const [stem, ext] = splitExtension(safe);
    const suffix = `~${nameTag(name)}${ext}`;
    safe = truncateUtf8(stem, rules.maxBytes - Buffer.byteLength(suffix)) + suffix;
  }
  return safe;
}

/**
 * Gives each sibling a distinct safe name, avoiding `alreadyTaken` (names of siblings already on the
 * target). Names are processed in a stable order (by source id); a safe name already taken gets `~tag`
 * before its extension. Windows targets compare names without case.
 */
export function assignSafeNames<T extends { id: string; name: string }>(
  siblings: T[],
  rules: NameRules,
  alreadyTaken: Iterable<string> = [],
): Map<string, string> {
  const result = new Map<string, string>();
  const key = (n: string) => (rules.windows ? n.toLowerCase() : n);
  const taken = new Set([...alreadyTaken].map(key));
  const sorted = [...siblings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const item of sorted) {
    let safe = makeSafeName(item.name, rules);
    if (taken.has(key(safe))) {
      const [stem, ext] = splitExtension(safe);
      const suffix = `~${nameTag(item.id)}${ext}`;
      safe = truncateUtf8(stem, rules.maxBytes - Buffer.byteLength(suffix)) + suffix;
    }
    taken.add(key(safe));
    result.set(item.id, safe);
  }
  return result;
}
