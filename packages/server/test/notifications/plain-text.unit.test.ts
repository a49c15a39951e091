import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/notifications/plain-text.ts';

describe('plainText', () => {
  it('keeps what a person needs and drops what could be a secret', () => {
    expect(
      plainText(
        'GET https://user:pw@dms.firm.com/api/v2/documents/ACTIVE!1160?access_token=abc123 failed: Bearer eyJhbGciOiJIUzI1NiJ9.x.y; client_secret=s3cr3t',
      ),
    ).toBe('GET https://dms.firm.com/api/v2/documents/ACTIVE!1160 failed: Bearer …; client_secret=…');
  });

  it('cuts long text', () => {
    expect(plainText('a'.repeat(500), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
