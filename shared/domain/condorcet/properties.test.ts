import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBlt, writeBlt } from './formats/blt.js';
import { parseElektoCsv, writeElektoCsv } from './formats/elekto-csv.js';
import { METHOD_NAMES } from './method-names.js';
import { tally } from './tally.js';
import { arbElection, normalized } from './testdata/arbitraries.js';
import type { Ballot, MethodName, Ranking, UnrankedRule } from './types.js';

const RUNS = { numRuns: 150 };
const unrankedRule = fc.constantFrom<UnrankedRule>('ignored', 'last');

/** Methods that always elect the Condorcet winner (minimax-opposition and IRV do not). */
const CONDORCET_METHODS: MethodName[] = [
  'schulze-winning', 'schulze-margin', 'schulze-ratio', 'ranked-pairs-winning', 'ranked-pairs-margin',
  'minimax-winning', 'minimax-margin', 'copeland', 'kemeny-young', 'condorcet-winner', 'smith-set', 'schwartz-set',
];

describe('Condorcet consistency', () => {
  it.each(CONDORCET_METHODS)('%s ranks a Condorcet winner alone at the top', (method) => {
    fc.assert(
      fc.property(arbElection(), unrankedRule, (election, unranked) => {
        const result = tally({ ...election, unranked }, { method });
        if (result.condorcetWinner === null) return;
        expect(result.ranking[0]).toEqual([result.condorcetWinner]);
        expect(result.winners).toEqual([result.condorcetWinner]);
      }),
      RUNS,
    );
  });
});

describe('neutrality and anonymity', () => {
  it.each(METHOD_NAMES)('%s does not depend on ballot or candidate order', (method) => {
    fc.assert(
      fc.property(arbElection(), unrankedRule, fc.integer(), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), (election, unranked, seed, winners) => {
        const shuffle = <T>(xs: readonly T[]): T[] => fc.sample(fc.shuffledSubarray([...xs], { minLength: xs.length }), { seed, numRuns: 1 })[0];
        const ballots = shuffle(election.ballots).map((b) => ({ ...b, ranking: b.ranking.map((g) => shuffle(g)) }));
        const a = tally({ ...election, unranked }, { method, winners });
        const b = tally({ candidates: shuffle(election.candidates), ballots, unranked }, { method, winners });
        expect(normalized(b)).toEqual(normalized(a));
      }),
      RUNS,
    );
  });
});

describe('reversal symmetry', () => {
  it.each(['schulze-winning', 'schulze-margin', 'schulze-ratio'])('%s: a strict order reverses when every ballot is reversed', (method) => {
    fc.assert(
      fc.property(arbElection({ complete: true, strict: true, minCandidates: 3 }), (election) => {
        const forward = tally({ ...election, unranked: 'last' }, { method });
        fc.pre(forward.ranking.every((g) => g.length === 1));
        const reversed = election.ballots.map((b) => ({ ...b, ranking: [...b.ranking].reverse() }));
        const backward = tally({ candidates: election.candidates, ballots: reversed, unranked: 'last' }, { method });
        expect(backward.ranking).toEqual([...forward.ranking].reverse());
      }),
      { numRuns: 150, maxSkipsPerRun: 1000 },
    );
  });
});

/** `ballot` with `who` moved one place up (or to the top when it was unranked). */
function raise(ranking: Ranking, who: string): Ranking {
  const at = ranking.findIndex((g) => g.includes(who));
  const rest = ranking.map((g) => g.filter((c) => c !== who));
  if (at < 0) return [[who], ...ranking];
  const above = ranking[at].length > 1 ? at : Math.max(at - 1, 0);
  const out = [...rest.slice(0, above), [who], ...rest.slice(above)];
  return out.filter((g) => g.length > 0);
}

describe('monotonicity', () => {
  it.each(['schulze-winning', 'schulze-margin', 'ranked-pairs-winning', 'ranked-pairs-margin'])('%s: raising a winner on some ballots never makes it lose', (method) => {
    fc.assert(
      fc.property(arbElection(), unrankedRule, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), (election, unranked, picks) => {
        fc.pre(election.ballots.length > 0);
        const before = tally({ ...election, unranked }, { method });
        for (const winner of before.winners) {
          const ballots: Ballot[] = election.ballots.map((b, i) => (picks.some((p) => p % election.ballots.length === i) ? { ...b, ranking: raise(b.ranking, winner) } : b));
          const after = tally({ candidates: election.candidates, ballots, unranked }, { method });
          expect(after.winners).toContain(winner);
        }
      }),
      RUNS,
    );
  });
});

describe('export → import round trips', () => {
  it('Elekto CSV keeps every method\'s result', () => {
    fc.assert(
      fc.property(arbElection(), unrankedRule, fc.constantFrom(...METHOD_NAMES), (election, unranked, method) => {
        const original = tally({ ...election, unranked }, { method });
        const back = parseElektoCsv(writeElektoCsv(election.candidates, election.ballots, unranked));
        expect(normalized(tally({ ...back, unranked: 'ignored' }, { method }))).toEqual(normalized({ ...original, unranked: 'ignored' }));
      }),
      RUNS,
    );
  });

  it('BLT keeps every method\'s result and the seats', () => {
    fc.assert(
      fc.property(arbElection(), unrankedRule, fc.constantFrom(...METHOD_NAMES), fc.integer({ min: 1, max: 3 }), (election, unranked, method, seats) => {
        const original = tally({ ...election, unranked }, { method, winners: seats });
        const back = parseBlt(writeBlt(election.candidates, election.ballots, { seats, unranked, title: 'Round "trip"' }));
        expect(back.seats).toBe(seats);
        expect(back.title).toBe('Round "trip"');
        expect(normalized(tally({ ...back, unranked: 'ignored' }, { method, winners: back.seats }))).toEqual(normalized({ ...original, unranked: 'ignored' }));
      }),
      RUNS,
    );
  });
});
