import { describe, expect, it } from 'vitest';
import { parseElektoCsv, writeElektoCsv } from './elekto-csv.js';

describe('parseElektoCsv', () => {
  it('turns rank cells into ranked groups; equal numbers tie; No opinion and empty cells are unranked', () => {
    const parsed = parseElektoCsv('A,B,C,D\n2,1,2,No opinion\n"1",,no opinion,7\nNo opinion,No opinion,No opinion,No opinion\n');
    expect(parsed.candidates).toEqual(['A', 'B', 'C', 'D']);
    expect(parsed.ballots).toEqual([
      { count: 1, ranking: [['B'], ['A', 'C']] },
      { count: 1, ranking: [['A'], ['D']] },
      { count: 1, ranking: [] },
    ]);
  });

  it.each([
    ['', 'line 1: empty file, expected a header of candidate ids'],
    ['A,,C\n1,2,3', 'line 1: column 2 of the header has no candidate id'],
    ['A,B,A\n1,2,3', "line 1: duplicate candidate 'A' in the candidate list"],
    ['A,B\n1,2\n1,2,3\n', 'line 3: expected 2 cells (one per candidate), found 3'],
    ['A,B\r\n1\r\n', 'line 2: expected 2 cells (one per candidate), found 1'],
    ['A,B\n1,x\n', "line 2, column 'B': bad rank 'x' (expected a whole number from 1, or 'No opinion')"],
    ['A,B\n0,1\n', "line 2, column 'A': bad rank '0' (expected a whole number from 1, or 'No opinion')"],
    ['A,B\n1,-2\n', "line 2, column 'B': bad rank '-2' (expected a whole number from 1, or 'No opinion')"],
    ['A,B\n1.5,2\n', "line 2, column 'A': bad rank '1.5' (expected a whole number from 1, or 'No opinion')"],
  ])('%j → %s', (text, message) => {
    expect(() => parseElektoCsv(text)).toThrow(message);
  });
});

describe('writeElektoCsv', () => {
  const ballots = [{ ranking: [['B'], ['A', 'C']], count: 2 }, { ranking: [['C']] }, { ranking: [] }];

  it("writes Elekto's layout: one row per ballot, dense ranks, No opinion", () => {
    expect(writeElektoCsv(['A', 'B', 'C'], ballots)).toBe('A,B,C\n2,1,2\n2,1,2\nNo opinion,No opinion,1\nNo opinion,No opinion,No opinion\n');
  });

  it("with unranked 'last', writes unranked candidates as one more shared rank", () => {
    expect(writeElektoCsv(['A', 'B', 'C'], ballots, 'last')).toBe('A,B,C\n2,1,2\n2,1,2\n2,2,1\nNo opinion,No opinion,No opinion\n');
  });

  it('quotes awkward candidate ids', () => {
    expect(writeElektoCsv(['Smith, J', 'B'], [])).toBe('"Smith, J",B\n');
    expect(parseElektoCsv(writeElektoCsv(['Smith, J', 'B'], [{ ranking: [['Smith, J']] }])).ballots).toEqual([{ count: 1, ranking: [['Smith, J']] }]);
  });
});
