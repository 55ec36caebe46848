import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './safe-redirect.js';

describe('safeReturnPath', () => {
  it.each([
    ['/app/elections/x/vote', '/app/elections/x/vote'],
    ['/app?status=open', '/app?status=open'],
    ['/app/elections/a---b#top', '/app/elections/a---b#top'],
  ])('keeps the local path %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([
    '//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example/app', 'http:evil.example',
    'javascript:alert(1)', '/\t/evil.example', '/\n/evil.example', 'app', '', ' /app', '%2F%2Fevil.example', '/..//evil.example', '/.//evil.example',
  ])('rejects %j', (input) => {
    expect(safeReturnPath(input)).toBe('/app');
  });

  it('rejects non-strings and uses the fallback given', () => {
    expect(safeReturnPath(['/x'], '/home')).toBe('/home');
    expect(safeReturnPath(undefined)).toBe('/app');
  });

  it('never returns something a browser would read as another origin', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (s) => {
      const out = safeReturnPath(s);
      expect(out.startsWith('/')).toBe(true);
      expect(out.startsWith('//')).toBe(false);
      expect(new URL(out, 'https://urna.example').origin).toBe('https://urna.example');
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) });
  });
});
