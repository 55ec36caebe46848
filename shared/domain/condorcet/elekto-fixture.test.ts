import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseElektoCsv } from './formats/elekto-csv.js';
import { tally } from './tally.js';

// Elekto's test/BALLOTS.csv (10 candidates, 312 ballots); its order and pairwise matrix were
// obtained by running Elekto's own core (elekto-reference.md §5.4).
const election = parseElektoCsv(readFileSync(new URL('./testdata/elekto-ballots.csv', import.meta.url), 'utf8'));
const ELEKTO_ORDER = [
  'Jordan Liggitt', 'Bob Killen', 'Davanum Srinivas', 'Stephen Augustus', 'Ian Coldwater',
  'Lachlan Evenson', 'Federico Bongiovanni', 'Carlos Panato', 'Divya Mohan', 'Mayank Kumar',
];
const ABBR: Record<string, string> = {
  BK: 'Bob Killen', CP: 'Carlos Panato', DS: 'Davanum Srinivas', DM: 'Divya Mohan', IC: 'Ian Coldwater',
  JL: 'Jordan Liggitt', LE: 'Lachlan Evenson', SA: 'Stephen Augustus', FB: 'Federico Bongiovanni', MK: 'Mayank Kumar',
};
const COLS = ['BK', 'CP', 'DS', 'DM', 'IC', 'JL', 'LE', 'SA', 'FB', 'MK'];
const ELEKTO_PAIRWISE: Record<string, number[]> = {
  BK: [0, 184, 140, 192, 161, 84, 161, 134, 149, 197],
  CP: [44, 0, 52, 99, 57, 37, 62, 48, 83, 112],
  DS: [118, 177, 0, 181, 149, 86, 156, 146, 155, 187],
  DM: [36, 67, 46, 0, 46, 29, 57, 45, 75, 97],
  IC: [96, 152, 97, 157, 0, 81, 123, 100, 134, 154],
  JL: [175, 219, 186, 223, 195, 0, 207, 194, 222, 225],
  LE: [91, 153, 87, 156, 109, 63, 0, 94, 141, 159],
  SA: [123, 182, 109, 179, 143, 88, 154, 0, 152, 179],
  FB: [69, 116, 87, 124, 101, 23, 98, 96, 0, 134],
  MK: [24, 55, 25, 61, 43, 18, 46, 44, 54, 0],
};

describe("Elekto's BALLOTS.csv", () => {
  it('reads 312 ballots over 10 candidates', () => {
    expect(election.candidates).toHaveLength(10);
    expect(election.ballots).toHaveLength(312);
  });

  it.each(['ignored', 'last'] as const)('gives Elekto\'s strict order with unranked %s', (unranked) => {
    const result = tally({ ...election, unranked });
    expect(result.ranking).toEqual(ELEKTO_ORDER.map((c) => [c]));
    expect(result.winners).toEqual(['Jordan Liggitt']);
    expect(result.condorcetWinner).toBe('Jordan Liggitt');
  });

  it("reproduces Elekto's pairwise matrix (No opinion excluded)", () => {
    const { pairwise } = tally({ ...election, unranked: 'ignored' });
    for (const [row, values] of Object.entries(ELEKTO_PAIRWISE)) {
      values.forEach((v, j) => {
        if (COLS[j] !== row) expect(pairwise[ABBR[row]][ABBR[COLS[j]]], `${row} over ${COLS[j]}`).toBe(v);
      });
    }
  });
});
