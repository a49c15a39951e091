/** iManage scopes seen in the wild are "user" and "admin"; an absent scope means "user". */
const KNOWN_SCOPES = new Set(['user', 'admin']);

/** The normalised scope string, or undefined when it names an unknown scope. */
export function normaliseScope(scope: string | undefined): string | undefined {
  const parts = (scope ?? '').split(' ').filter(Boolean);
  if (parts.length === 0) return 'user';
  return parts.every((part) => KNOWN_SCOPES.has(part)) ? [...new Set(parts)].join(' ') : undefined;
}
