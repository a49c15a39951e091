/**
 * Text fit for a message that leaves Lexbridge: addresses lose their credentials and query strings
 * (where tokens travel), bearer tokens and key-like values are masked, and it is cut to `max` characters.
 */
export function plainText(text: string, max = 400): string {
  const cleaned = text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#][^\s)"']*/gi, '$1')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 …')
    .replace(/\b([a-z_-]*(?:token|secret|password|key))(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1$2…')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}
