import { z } from 'zod';

/** True when the text holds a control character (C0, DEL or C1), which no name or filter needs. */
export function hasControlCharacter(text: string): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * A name people type and read (a connector, workflow or destination): trimmed, 1 to `max`
 * characters, no control characters (they break logs, file names and other systems' APIs).
 */
export function nameSchema(max = 200, empty = 'enter a name') {
  return z
    .string()
    .trim()
    .min(1, empty)
    .max(max, `at most ${max} characters`)
    .refine(
      (v) => !hasControlCharacter(v),
      'must not contain control characters (such as tabs or line breaks)',
    );
}
