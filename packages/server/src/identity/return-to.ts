import { hasControlCharacter } from '@lexbridge/contracts';

/**
 * Where to send someone after sign-in. Only a relative path on this server is accepted, so a crafted
 * login link cannot bounce people to another site ("/\\evil.com", "//evil.com", "/.//evil.com" and
 * "https://…" all fall back to "/").
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return '/';
  if (!isLocalPath(value)) return '/';
  const base = 'http://lexbridge.invalid';
  let parsed: URL;
  try {
    parsed = new URL(value, base);
  } catch {
    return '/';
  }
  if (parsed.origin !== base) return '/';
  // Normalising can make a path protocol-relative ("/.//evil", "/%2e//evil", "/a/..//evil" all
  // become "//evil"), so the result is checked again: it is what the browser will follow.
  const normalised = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return isLocalPath(normalised) ? normalised : '/';
}

function isLocalPath(value: string): boolean {
  return (
    value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') && !hasControlCharacter(value)
  );
}
