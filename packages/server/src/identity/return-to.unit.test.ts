import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.ts';

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/connectors', '/connectors'],
    ['/workflows/123?tab=runs#top', '/workflows/123?tab=runs#top'],
    ['/a/../b', '/b'],
  ])('keeps the same-origin path %j', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'connectors',
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\tevil',
    '/%0d%0aSet-Cookie:x',
    '/.//evil.example/phish',
    '/%2e//evil.example/phish',
    '/%2E//evil.example/phish',
    '/a/..//evil.example/phish',
    '/./\\evil.example',
    42,
  ])('falls back to / for %j', (value) => {
    const result = safeReturnTo(value);
    expect(result.startsWith('/')).toBe(true);
    expect(result.startsWith('//')).toBe(false);
    if (value !== '/%0d%0aSet-Cookie:x') expect(result).toBe('/');
  });

  it('keeps encoded characters encoded, so no header can be injected', () => {
    expect(safeReturnTo('/%0d%0aSet-Cookie:x')).toBe('/%0d%0aSet-Cookie:x');
  });
});
