import { describe, expect, it } from 'vitest';
import { parseMetaDatetime } from './datetime.js';

const iso = (raw: unknown): string | undefined => {
  const r = parseMetaDatetime(raw);
  return r.ok ? r.date.toISOString() : undefined;
};

describe('R6: parseMetaDatetime', () => {
  it.each([
    ['2023-11-13 00:00:01', '2023-11-13T00:00:01.000Z'],
    ['2021-01-8 00:00:01', '2021-01-08T00:00:01.000Z'],
    ['2021-1-08 7:05:09', '2021-01-08T07:05:09.000Z'],
    ['2023-11-13T00:00:01', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13t00:00:01z', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13 00:00:01Z', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13 00:00:01 UTC', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13 02:00:01+02:00', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13 02:00:01 +02', '2023-11-13T00:00:01.000Z'],
    ['2023-11-12T19:00:01-0500', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13 00:00:01.25', '2023-11-13T00:00:01.250Z'],
    ['2023-11-13 00:00', '2023-11-13T00:00:00.000Z'],
    ['2023-11-13 00:00:01 # Pacific?', '2023-11-13T00:00:01.000Z'],
    ['  2023-11-13 00:00:01  ', '2023-11-13T00:00:01.000Z'],
    ['2023-11-13', '2023-11-13T00:00:00.000Z'],
    ['2024-02-29 12:00:00', '2024-02-29T12:00:00.000Z'],
    ['0099-01-01 00:00:00', '0099-01-01T00:00:00.000Z'],
  ])('reads %j as %s', (raw, expected) => {
    expect(iso(raw)).toBe(expected);
  });

  it('flags a date-only value so the caller can warn', () => {
    expect(parseMetaDatetime('2023-11-13')).toMatchObject({ ok: true, dateOnly: true });
    expect(parseMetaDatetime('2023-11-13 10:00:00')).toMatchObject({ ok: true, dateOnly: false });
  });

  it.each(['', 'tomorrow', '2023-13-01 00:00:00', '2023-02-29 00:00:00', '2023-11-31', '2023-11-13 24:00:00', '2023-11-13 10:60:00', '2023/11/13 10:00:00', '13-11-2023', '2023-11-13 10:00:00+25:00', '2023-11-13Z'])(
    'refuses %j with a reason',
    (raw) => {
      const r = parseMetaDatetime(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    },
  );

  it('accepts Date objects (a js-yaml fed tree) and refuses other types', () => {
    expect(iso(new Date('2020-01-01T00:00:00Z'))).toBe('2020-01-01T00:00:00.000Z');
    expect(iso(new Date(Number.NaN))).toBeUndefined();
    expect(iso(1700000000)).toBeUndefined();
    expect(iso(null)).toBeUndefined();
  });
});
