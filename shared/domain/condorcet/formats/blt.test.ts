import { describe, expect, it } from 'vitest';
import { parseBlt, writeBlt } from './blt.js';

describe('parseBlt', () => {
  it('reads weights, = ties, blank ballots, names and title', () => {
    const text = '3 2\n4 1 2=3 0\n1 0\n2 3 0\n0\n"Ann"\n"Bob \\"B\\""\n"Cy"\n"Board 2025"\n';
    expect(parseBlt(text)).toEqual({
      candidates: ['Ann', 'Bob "B"', 'Cy'],
      seats: 2,
      title: 'Board 2025',
      ballots: [
        { count: 4, ranking: [['Ann'], ['Bob "B"', 'Cy']] },
        { count: 1, ranking: [] },
        { count: 2, ranking: [['Cy']] },
      ],
    });
  });

  it('drops withdrawn candidates from the list and from every ballot', () => {
    const parsed = parseBlt('3 1\n-2\n1 2 1 3 0\n0\n"A" "B" "C"\n"t"');
    expect(parsed.candidates).toEqual(['A', 'C']);
    expect(parsed.ballots).toEqual([{ count: 1, ranking: [['A'], ['C']] }]);
  });

  it.each([
    ['', 'line 1: empty file, expected "<candidates> <seats>"'],
    ['3\n0\n"A" "B" "C"', 'line 1: expected "<candidates> <seats>" (two whole numbers from 1), found \'3\''],
    ['2 1\n1 1 3 0\n0\n"A"\n"B"', "line 2: bad preference '3' (candidates are numbered 1 to 2)"],
    ['2 1\n1 1 2=1 0\n0\n"A"\n"B"', 'line 2: duplicate candidate 1 in one ballot'],
    ['2 1\n1 1 2\n0\n"A"\n"B"', 'line 2: a ballot line must end with 0'],
    ['2 1\nx 1 2 0\n0\n"A"\n"B"', "line 2: bad ballot weight 'x' (expected a whole number from 1)"],
    ['2 1\n1 1 2 0\n', 'line 3: missing the lone 0 that ends the ballots'],
    ['2 1\n1 1 2 0\n0\n"A"\n', 'line 4: expected 2 quoted candidate names, found 1'],
    ['2 1\n0\n"A"\nB\n', "line 4: expected a quoted name, found 'B'"],
    ['2 1\n0\n"A"\n"A"\n', "line 3: duplicate candidate 'A' in the candidate list"],
    ['2 1\n0\n"A"\n"B"\n"t"\n"extra"', 'line 6: unexpected text after the title'],
  ])('%j → %s', (text, message) => {
    expect(() => parseBlt(text)).toThrow(message);
  });
});

describe('writeBlt', () => {
  it('writes the standard layout with the = extension for ties', () => {
    const ballots = [{ ranking: [['B'], ['A', 'C']], count: 3 }, { ranking: [['C']] }, { ranking: [] }];
    expect(writeBlt(['A', 'B', 'C'], ballots, { seats: 2, title: 'Steering' })).toBe('3 2\n3 2 1=3 0\n1 3 0\n1 0\n0\n"A"\n"B"\n"C"\n"Steering"\n');
  });

  it("with unranked 'last', writes unranked candidates as an explicit last group", () => {
    expect(writeBlt(['A', 'B', 'C'], [{ ranking: [['C']] }], { unranked: 'last' })).toBe('3 1\n1 3 1=2 0\n0\n"A"\n"B"\n"C"\n"Urna election"\n');
  });
});
