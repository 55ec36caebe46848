import { describe, expect, it } from 'vitest';
import { exportBallots, shuffle } from './ballot-export.js';

const texts = [
  JSON.stringify([['a'], ['b'], ['c']]),
  JSON.stringify([['b'], ['c']]),
  JSON.stringify([['a'], ['b'], ['c']]),
  JSON.stringify([]),
];
const input = { candidates: ['a', 'b', 'c'], rankingTexts: texts, unranked: 'ignored' as const, seats: 2, title: 'Board "2030"' };

describe('shuffle', () => {
  it('is a Fisher–Yates over the injected source', () => {
    const picks: number[] = [];
    const out = shuffle([1, 2, 3, 4], (bound) => { picks.push(bound); return 0; });
    expect(picks).toEqual([4, 3, 2]);
    expect(out).toEqual([2, 3, 4, 1]);
  });

  it('reaches every permutation of three with the crypto source', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400 && seen.size < 6; i++) seen.add(shuffle(['x', 'y', 'z']).join(''));
    expect(seen.size).toBe(6);
  });
});

describe('exportBallots', () => {
  const identity = (bound: number) => bound - 1; // leaves the order unchanged

  it('writes Elekto CSV: one row per ballot, ranks or "No opinion"', () => {
    expect(exportBallots('csv', input, identity)).toBe([
      'a,b,c', '1,2,3', 'No opinion,1,2', '1,2,3', 'No opinion,No opinion,No opinion', '',
    ].join('\n'));
  });

  it('writes unranked candidates as a shared last rank under the "last" rule', () => {
    const csv = exportBallots('csv', { ...input, unranked: 'last' }, identity);
    expect(csv.split('\n')[2]).toBe('3,1,2');
  });

  it('writes BLT with identical ballots grouped, seats, quoted keys and title', () => {
    expect(exportBallots('blt', input, identity)).toBe([
      '3 2', '2 1 2 3 0', '1 2 3 0', '1 0', '0', '"a"', '"b"', '"c"', '"Board \\"2030\\""', '',
    ].join('\n'));
  });

  it('does not change the caller\'s array', () => {
    const copy = [...texts];
    exportBallots('csv', input);
    expect(input.rankingTexts).toEqual(copy);
  });
});
