import { describe, expect, it } from 'vitest';
import { checksumFormat, clockCheck } from './probes.ts';

const hex = 'ab'.repeat(32);

describe('the compatibility probes read what the server wrote', () => {
  it('names each checksum format', () => {
    expect(checksumFormat(`SHA256:${hex.toUpperCase()}`)).toBe('sha256_upper_hex');
    expect(checksumFormat(`SHA256:${hex}`)).toBe('sha256_hex_other_case');
    expect(checksumFormat(`sha256:${Buffer.from(hex, 'hex').toString('base64')}`)).toBe('sha256_base64');
    expect(checksumFormat('MD5:0123')).toBe('other');
    expect(checksumFormat(undefined)).toBe('absent');
    expect(checksumFormat('')).toBe('absent');
  });

  it('tells a server clock in step, ahead or behind, and an edit date in our future', () => {
    const now = Date.parse('2026-01-01T12:00:00.500Z');
    const at = (skewSeconds: number) => ({
      status: 200,
      body: undefined,
      serverDate: Math.floor((now + skewSeconds * 1000) / 1000) * 1000,
      localMidpoint: now,
    });
    expect(clockCheck([at(1)], undefined, now).observed).toBe('in_step');
    expect(clockCheck([at(-600)], undefined, now)).toMatchObject({
      observed: 'server_behind',
      counts: { dateHeaderSkewSeconds: -600 },
    });
    const ahead = clockCheck([at(90)], now + 85_000, now);
    expect(ahead).toMatchObject({
      observed: 'server_ahead',
      counts: { dateHeaderSkewSeconds: 90, newestEditDateAheadSeconds: 85 },
    });
    expect(clockCheck([{ status: 200, body: undefined, localMidpoint: now }], undefined, now).observed).toBe(
      'not_observed',
    );
  });
});
