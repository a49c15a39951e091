import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { checkMetricsAccess, inRanges } from '../../src/metrics/access.ts';

const request = (ip: string, headers: Record<string, string> = {}) => ({ ip, headers }) as FastifyRequest;

describe('metrics access', () => {
  it('refuses a proxied request by default when no proxy is trusted: its loopback address is the proxy', () => {
    const config = loadConfig({});
    expect(() => checkMetricsAccess(request('127.0.0.1'), config)).not.toThrow();
    expect(() => checkMetricsAccess(request('::1'), config)).not.toThrow();
    expect(() =>
      checkMetricsAccess(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }), config),
    ).toThrow(/not served to this address/);
    expect(() =>
      checkMetricsAccess(request('127.0.0.1', { forwarded: 'for=203.0.113.5' }), config),
    ).toThrow();
    expect(() => checkMetricsAccess(request('192.168.1.9'), config)).toThrow();
  });

  it('wants both the token and an allowed address when both are set', () => {
    const config = loadConfig({
      LEXBRIDGE_METRICS_TOKEN: 'x'.repeat(24),
      LEXBRIDGE_METRICS_ALLOW: '10.0.0.0/8, fd00::/8',
    });
    const bearer = { authorization: `Bearer ${'x'.repeat(24)}` };
    expect(() => checkMetricsAccess(request('10.9.9.9', bearer), config)).not.toThrow();
    expect(() => checkMetricsAccess(request('10.9.9.9'), config)).toThrow(/metrics token/);
    expect(() => checkMetricsAccess(request('192.168.1.9', bearer), config)).toThrow(/not served/);
  });

  it('matches IPv4, IPv6 and IPv4-mapped addresses against ranges', () => {
    expect(inRanges('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(inRanges('fd12::1', ['fd00::/8'])).toBe(true);
    expect(inRanges('192.168.1.10', ['192.168.1.10'])).toBe(true);
    expect(inRanges('192.168.1.11', ['192.168.1.10', '10.0.0.0/8'])).toBe(false);
  });

  it('rejects a short token and a malformed range at start-up', () => {
    expect(() => loadConfig({ LEXBRIDGE_METRICS_TOKEN: 'short' })).toThrow(/LEXBRIDGE_METRICS_TOKEN/);
    expect(() => loadConfig({ LEXBRIDGE_METRICS_ALLOW: '10.0.0.0/33' })).toThrow(/LEXBRIDGE_METRICS_ALLOW/);
  });
});
