import { describe, expect, it } from 'vitest';
import { TallyInputError } from './errors.js';
import { KEMENY_MAX_CANDIDATES } from './kemeny-young.js';
import { resolveMethod } from './method-names.js';
import { tally } from './tally.js';
import type { Ballot } from './types.js';

/** `"A>B=C*3"` → a ballot. */
const b = (text: string): Ballot => {
  const [order, count] = text.split('*');
  return { count: Number(count ?? 1), ranking: order ? order.split('>').map((g) => g.split('=')) : [] };
};

describe('method names', () => {
  it('resolves aliases and ignores case', () => {
    expect(resolveMethod(undefined)).toBe('schulze-winning');
    expect(resolveMethod('schulze')).toBe('schulze-winning');
    expect(resolveMethod('Ranked-Pairs')).toBe('ranked-pairs-winning');
    expect(resolveMethod('kemeny-young')).toBe('kemeny-young');
  });

  it('names the known methods when one is unknown', () => {
    expect(() => resolveMethod('borda')).toThrow(/unknown method 'borda' \(known: schulze-winning, .*schulze, ranked-pairs\)/);
    expect(() => tally({ candidates: ['A'], ballots: [] }, { method: 'stv' })).toThrow(TallyInputError);
  });
});

describe('winners and seats', () => {
  const election = { candidates: ['A', 'B', 'C', 'D'], ballots: [b('A>B=C>D*3')], unranked: 'last' as const };

  it('without seats, winners are the whole first group', () => {
    const tied = tally({ candidates: ['A', 'B'], ballots: [b('A'), b('B')] });
    expect(tied.ranking).toEqual([['A', 'B']]);
    expect(tied.winners).toEqual(['A', 'B']);
    expect(tied.tieAtCut).toBeUndefined();
  });

  it('with seats, a group straddling the cut is named and nobody in it wins', () => {
    expect(tally(election, { winners: 1 })).toMatchObject({ winners: ['A'], seats: 1 });
    const two = tally(election, { winners: 2 });
    expect(two.winners).toEqual(['A']);
    expect(two.tieAtCut).toEqual(['B', 'C']);
    expect(tally(election, { winners: 3 }).winners).toEqual(['A', 'B', 'C']);
    expect(tally(election, { winners: 9 }).winners).toEqual(['A', 'B', 'C', 'D']);
  });

  it('rejects a seat count below 1', () => {
    expect(() => tally(election, { winners: 0 })).toThrow(/winners must be a whole number of at least 1/);
  });

  it('with no ballots every candidate is tied first (as in Elekto)', () => {
    const result = tally({ candidates: ['A', 'B', 'C'], ballots: [] });
    expect(result).toMatchObject({ ballots: 0, ranking: [['A', 'B', 'C']], winners: ['A', 'B', 'C'], condorcetWinner: null });
  });

  it('condorcet-winner elects nobody when there is none', () => {
    const cycle = { candidates: ['A', 'B', 'C'], ballots: [b('A>B>C'), b('B>C>A'), b('C>A>B')] };
    expect(tally(cycle, { method: 'condorcet-winner' })).toMatchObject({ winners: [], ranking: [['A', 'B', 'C']] });
    expect(tally(cycle, { method: 'condorcet-winner', winners: 1 })).toMatchObject({ winners: [], tieAtCut: ['A', 'B', 'C'] });
  });
});

describe('unranked candidates', () => {
  const ballots = [b('A*2'), b('B>C')];

  it("'ignored' compares only candidates ranked on the same ballot", () => {
    const { pairwise } = tally({ candidates: ['A', 'B', 'C'], ballots, unranked: 'ignored' });
    expect(pairwise).toEqual({ A: { B: 0, C: 0 }, B: { A: 0, C: 1 }, C: { A: 0, B: 0 } });
  });

  it("'last' puts them below every ranked candidate, tied together", () => {
    const { pairwise } = tally({ candidates: ['A', 'B', 'C'], ballots, unranked: 'last' });
    expect(pairwise).toEqual({ A: { B: 2, C: 2 }, B: { A: 1, C: 1 }, C: { A: 1, B: 0 } });
  });

  it('counts blank ballots without letting them prefer anyone', () => {
    const result = tally({ candidates: ['A', 'B'], ballots: [b(''), b('A>B')], unranked: 'last' });
    expect(result.ballots).toBe(2);
    expect(result.pairwise).toEqual({ A: { B: 1 }, B: { A: 0 } });
  });
});

describe('ties are reported, not broken', () => {
  it('ranked pairs skips a whole batch of equal pairs that closes a cycle', () => {
    const result = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A>B>C'), b('B>C>A'), b('C>A>B')] }, { method: 'ranked-pairs' });
    expect(result.ranking).toEqual([['A', 'B', 'C']]);
    expect(result.rankedPairs?.locked).toEqual([]);
    expect(result.rankedPairs?.skipped).toHaveLength(3);
  });

  it('ranked pairs locks equal pairs that do not close a cycle', () => {
    const result = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A>B'), b('A>C')] }, { method: 'ranked-pairs-winning' });
    expect(result.ranking).toEqual([['A'], ['B', 'C']]);
    expect(result.rankedPairs?.locked.map((p) => `${p.from}>${p.to}`)).toEqual(['A>B', 'A>C']);
  });

  it('kemeny-young ranks only what all optimal rankings agree on', () => {
    const cycle = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A>B>C'), b('B>C>A'), b('C>A>B')] }, { method: 'kemeny-young' });
    expect(cycle).toMatchObject({ ranking: [['A', 'B', 'C']], kemenyScore: 5, kemenyOptimalRankings: 3 });
    const partial = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A>B>C'), b('A>C>B')] }, { method: 'kemeny-young' });
    expect(partial).toMatchObject({ ranking: [['A'], ['B', 'C']], kemenyOptimalRankings: 2 });
  });

  it('irv separates candidates tied for last by their pairwise results, not by list order', () => {
    // Round 1: C and D tie on 2; C beats more candidates pairwise than D, so D goes first.
    const result = tally({ candidates: ['A', 'B', 'C', 'D'], ballots: [b('A*4'), b('B*4'), b('C>A*2'), b('D>C>B*2')], unranked: 'last' }, { method: 'irv' });
    expect(result.irvRounds?.[0]).toMatchObject({ tallies: { A: 4, B: 4, C: 2, D: 2 }, eliminated: ['D'], tiedLowest: ['C', 'D'] });
    expect(result.irvRounds?.[1]).toMatchObject({ tallies: { A: 4, B: 4, C: 4 }, eliminated: ['C'], tiedLowest: ['A', 'B', 'C'] });
    expect(result.irvRounds?.[2]).toMatchObject({ tallies: { A: 6, B: 6 } });
    expect(result.ranking).toEqual([['A', 'B'], ['C'], ['D']]);
  });

  it('irv eliminates tied candidates together when their pairwise results do not separate them', () => {
    const result = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A>B>C'), b('B>C>A'), b('C>A>B'), b('A*2'), b('B*2'), b('C*2')] }, { method: 'irv' });
    expect(result.irvRounds).toEqual([{ tallies: { A: 3, B: 3, C: 3 }, exhausted: 0 }]);
    expect(result.ranking).toEqual([['A', 'B', 'C']]);
  });

  it('irv splits a ballot whose top continuing rank is a tie', () => {
    const result = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A=B>C*2'), b('C*3')] }, { method: 'irv' });
    expect(result.irvRounds?.[0].tallies).toEqual({ A: 1, B: 1, C: 3 });
    expect(result.winners).toEqual(['C']);
  });
});

describe('method details', () => {
  it('kemeny-young refuses large elections with a clear message', () => {
    const candidates = Array.from({ length: KEMENY_MAX_CANDIDATES + 1 }, (_, i) => `c${i}`);
    expect(() => tally({ candidates, ballots: [] }, { method: 'kemeny-young' })).toThrow(
      new TallyInputError(`kemeny-young is limited to ${KEMENY_MAX_CANDIDATES} candidates (this election has ${KEMENY_MAX_CANDIDATES + 1}); use schulze or ranked-pairs`),
    );
  });

  it('schulze-ratio writes an unopposed (infinite) link as null', () => {
    const result = tally({ candidates: ['A', 'B'], ballots: [b('A>B*3')] }, { method: 'schulze-ratio' });
    expect(result.strongest).toEqual({ A: { B: null }, B: { A: 0 } });
    expect(result.winners).toEqual(['A']);
  });

  it('gives copeland and minimax scores per candidate', () => {
    const ballots = [b('A>B>C*2'), b('B>C>A')];
    expect(tally({ candidates: ['A', 'B', 'C'], ballots }, { method: 'copeland' }).copelandScores).toEqual({ A: 2, B: 0, C: -2 });
    expect(tally({ candidates: ['A', 'B', 'C'], ballots }, { method: 'minimax-margin' }).minimaxScores).toEqual({ A: -1, B: 1, C: 3 });
  });

  it('produces a result that survives JSON unchanged', () => {
    const result = tally({ candidates: ['A', 'B', 'C'], ballots: [b('A>B>C*2'), b('B=C>A')] }, { method: 'irv', winners: 2 });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('bad ballots', () => {
  const candidates = ['A', 'B'];
  it.each([
    [[b('A'), b('A>X')], "ballot 2: unknown candidate 'X'"],
    [[b('A>A')], "ballot 1: duplicate candidate 'A' in one ballot"],
    [[b('A=B>B')], "ballot 1: duplicate candidate 'B' in one ballot"],
    [[{ ranking: [['A'], []] }], 'ballot 1: rank 2 must be a non-empty list of candidate ids'],
    [[{ ranking: [['A']], count: 0 }], 'ballot 1: ballot count must be a whole number of at least 1, not 0'],
    [[{ ranking: [['A']], count: 1.5 }], 'ballot 1: ballot count must be a whole number of at least 1, not 1.5'],
  ])('%j → %s', (ballots, message) => {
    expect(() => tally({ candidates, ballots: ballots as Ballot[] })).toThrow(new TallyInputError(message));
  });

  it('rejects bad candidate lists', () => {
    expect(() => tally({ candidates: [], ballots: [] })).toThrow('no candidates');
    expect(() => tally({ candidates: ['A', 'A'], ballots: [] })).toThrow("duplicate candidate 'A' in the candidate list");
  });
});
