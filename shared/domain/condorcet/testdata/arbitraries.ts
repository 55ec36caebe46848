// fast-check generators for elections: small, so ties and cycles come up often.
import fc from 'fast-check';
import type { Ballot, Ranking, TallyResult } from '../types.js';

export interface Election {
  readonly candidates: string[];
  readonly ballots: Ballot[];
}

const NAMES = ['Ada', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus'];

/** Splits an order into tie groups where `ties[k]` says "same rank as the previous one". */
function grouped(order: string[], ties: boolean[]): Ranking {
  const groups: string[][] = [];
  order.forEach((c, k) => {
    if (k > 0 && ties[k]) groups[groups.length - 1].push(c);
    else groups.push([c]);
  });
  return groups;
}

export function arbRanking(candidates: string[], opts: { complete?: boolean; strict?: boolean } = {}): fc.Arbitrary<Ranking> {
  const order = opts.complete ? fc.shuffledSubarray(candidates, { minLength: candidates.length }) : fc.shuffledSubarray(candidates);
  const ties = fc.array(fc.boolean(), { minLength: candidates.length, maxLength: candidates.length });
  return fc.tuple(order, ties).map(([o, t]) => grouped(o, opts.strict ? t.map(() => false) : t));
}

export function arbElection(opts: { minCandidates?: number; maxCandidates?: number; complete?: boolean; strict?: boolean; maxCount?: number } = {}): fc.Arbitrary<Election> {
  return fc.integer({ min: opts.minCandidates ?? 2, max: opts.maxCandidates ?? 5 }).chain((n) => {
    const candidates = NAMES.slice(0, n);
    const ballot = fc.record({ ranking: arbRanking(candidates, opts), count: fc.integer({ min: 1, max: opts.maxCount ?? 4 }) });
    return fc.record({ candidates: fc.constant(candidates), ballots: fc.array(ballot, { maxLength: 12 }) });
  });
}

/** A result with every list that only reflects input order sorted, for comparisons. */
export function normalized(result: TallyResult): unknown {
  const sorted = (xs: readonly string[]): string[] => [...xs].sort();
  const round = (v: number): number => Math.round(v * 1e9) / 1e9;
  return {
    ...result,
    candidates: sorted(result.candidates),
    ranking: result.ranking.map(sorted),
    winners: sorted(result.winners),
    tieAtCut: result.tieAtCut && sorted(result.tieAtCut),
    smithSet: sorted(result.smithSet),
    schwartzSet: sorted(result.schwartzSet),
    rankedPairs: result.rankedPairs && {
      locked: [...result.rankedPairs.locked].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`)),
      skipped: [...result.rankedPairs.skipped].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`)),
    },
    irvRounds: result.irvRounds?.map((r) => ({
      ...r,
      tallies: Object.fromEntries(Object.entries(r.tallies).map(([c, v]) => [c, round(v)])),
      elected: r.elected && sorted(r.elected),
      eliminated: r.eliminated && sorted(r.eliminated),
      tiedLowest: r.tiedLowest && sorted(r.tiedLowest),
    })),
  };
}
