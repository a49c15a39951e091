/**
 * SharePoint Online's rules for file and folder names, applied strictly so a client finds out here
 * rather than in production: no `" * : < > ? / \ |`, no leading or trailing spaces, no trailing dot,
 * no reserved names (CON, PRN, AUX, NUL, COM0-9, LPT0-9, .lock, desktop.ini), nothing containing
 * `_vti_`, no `~$` prefix, and a decoded server-relative path (site and library included, as
 * SharePoint Online counts it) of at most 400 characters.
 */
import { invalidRequest } from '../errors.ts';

const ILLEGAL = /["*:<>?/\\|]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$|^\.lock$|^desktop\.ini$/i;
export const MAX_PATH_LENGTH = 400;

export function checkItemName(name: string): void {
  if (!name) throw invalidRequest('The name of the item is missing.');
  if (ILLEGAL.test(name) || name.includes('\u0000')) {
    throw invalidRequest('The provided name cannot contain any illegal characters.');
  }
  if (name !== name.trim() || name.endsWith('.')) {
    throw invalidRequest('The provided name cannot begin or end with a space, or end with a period.');
  }
  if (RESERVED.test(name) || name.toLowerCase().includes('_vti_') || name.startsWith('~$')) {
    throw invalidRequest(`The provided name "${name}" is reserved.`);
  }
}

/** `path` is decoded and server-relative (store.webPathOf); characters, not UTF-16 units, are counted. */
export function checkPathLength(path: string): void {
  if ([...path].length > MAX_PATH_LENGTH) {
    throw invalidRequest(`The path is longer than ${MAX_PATH_LENGTH} characters.`);
  }
}

/** "Report.docx" → "Report 1.docx", "Report 2.docx", … (as OneDrive and SharePoint rename). */
export function renamedCandidate(name: string, attempt: number): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return `${name} ${attempt}`;
  return `${name.slice(0, dot)} ${attempt}${name.slice(dot)}`;
}
