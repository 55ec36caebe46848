import { condorcetLoser, condorcetWinner, schwartzSet, smithSet } from './condorcet-sets.js';
import { copeland } from './copeland.js';
import { TallyInputError } from './errors.js';
import { instantRunoff } from './instant-runoff.js';
import { kemenyYoung } from './kemeny-young.js';
import { resolveMethod } from './method-names.js';
import { minimax } from './minimax.js';
import { rankedPairs, type IndexPair } from './ranked-pairs.js';
import { schulze } from './schulze.js';
import { fillSeats } from './seats.js';
import { createTallyAccumulator, type BallotSummary } from './tally-accumulator.js';
import { namedGroups, namedScores, pairTable, strengthTable } from './tables.js';
import type { LockedPair, MethodName, TallyInput, TallyOptions, TallyResult } from './types.js';

/** Tallies ballots held in memory. For a stream, use createTallyAccumulator + tallySummary. */
export function tally(input: TallyInput, options: TallyOptions = {}): TallyResult {
  resolveMethod(options.method); // an unknown method fails before any ballot is read
  const accumulator = createTallyAccumulator(input.candidates, input.unranked ?? 'ignored');
  let number = 0;
  for (const ballot of input.ballots) {
    number += 1;
    try {
      accumulator.add(ballot.ranking, ballot.count ?? 1);
    } catch (error) {
      if (error instanceof TallyInputError) throw new TallyInputError(`ballot ${number}: ${error.message}`);
      throw error;
    }
  }
  return tallySummary(accumulator.finish(), options);
}

/** Runs one method on accumulated ballots. */
export function tallySummary(summary: BallotSummary, options: TallyOptions = {}): TallyResult {
  const method = resolveMethod(options.method);
  const { candidates, pairwise: m } = summary;
  const n = candidates.length;
  const name = (i: number | null): string | null => (i === null ? null : candidates[i]);
  const cw = condorcetWinner(m, n);
  const smith = smithSet(m, n);
  const schwartz = schwartzSet(m, n);
  const { ranking, details } = runMethod(method, summary, { cw, smith, schwartz });
  const named = namedGroups(ranking, candidates);
  const seats = fillSeats(named, options.winners);
  const winners = method === 'condorcet-winner' && options.winners === undefined ? (cw === null ? [] : [candidates[cw]]) : seats.winners;

  return {
    method,
    candidates: [...candidates],
    unranked: summary.unranked,
    ballots: summary.ballots,
    ranking: named,
    winners,
    ...(options.winners !== undefined ? { seats: options.winners } : {}),
    ...(seats.tieAtCut ? { tieAtCut: seats.tieAtCut } : {}),
    pairwise: pairTable(m, candidates),
    condorcetWinner: name(cw),
    condorcetLoser: name(condorcetLoser(m, n)),
    smithSet: namedGroups([smith], candidates)[0],
    schwartzSet: namedGroups([schwartz], candidates)[0],
    ...details,
  };
}

type Details = Partial<Pick<TallyResult, 'strongest' | 'rankedPairs' | 'minimaxScores' | 'copelandScores' | 'kemenyScore' | 'kemenyOptimalRankings' | 'irvRounds'>>;

function runMethod(
  method: MethodName,
  summary: BallotSummary,
  sets: { cw: number | null; smith: number[]; schwartz: number[] },
): { ranking: number[][]; details: Details } {
  const { candidates, pairwise: m } = summary;
  const n = candidates.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const setFirst = (set: number[]): number[][] => {
    const rest = all.filter((i) => !set.includes(i));
    return rest.length > 0 ? [set, rest] : [set];
  };

  switch (method) {
    case 'schulze-winning':
    case 'schulze-margin':
    case 'schulze-ratio': {
      const { strongest, ranking } = schulze(m, n, method.slice('schulze-'.length) as 'winning' | 'margin' | 'ratio');
      return { ranking, details: { strongest: strengthTable(strongest, candidates) } };
    }
    case 'ranked-pairs-winning':
    case 'ranked-pairs-margin': {
      const { ranking, locked, skipped } = rankedPairs(m, n, method === 'ranked-pairs-winning' ? 'winning' : 'margin');
      const named = (p: IndexPair): LockedPair => ({ from: candidates[p.from], to: candidates[p.to], strength: p.strength, opposition: p.opposition });
      return { ranking, details: { rankedPairs: { locked: locked.map(named), skipped: skipped.map(named) } } };
    }
    case 'minimax-winning':
    case 'minimax-margin':
    case 'minimax-opposition': {
      const { scores, ranking } = minimax(m, n, method.slice('minimax-'.length) as 'winning' | 'margin' | 'opposition');
      return { ranking, details: { minimaxScores: namedScores(scores, candidates) } };
    }
    case 'copeland': {
      const { scores, ranking } = copeland(m, n);
      return { ranking, details: { copelandScores: namedScores(scores, candidates) } };
    }
    case 'kemeny-young': {
      const { score, optimalRankings, ranking } = kemenyYoung(m, n);
      return { ranking, details: { kemenyScore: score, kemenyOptimalRankings: optimalRankings } };
    }
    case 'irv': {
      const { ranking, rounds } = instantRunoff(summary.rankings, m, n, summary.unranked);
      const irvRounds = rounds.map((r) => ({
        tallies: Object.fromEntries(candidates.flatMap((c, i) => (Number.isNaN(r.tallies[i]) ? [] : [[c, r.tallies[i]]]))),
        exhausted: r.exhausted,
        ...(r.elected.length > 0 ? { elected: r.elected.map((i) => candidates[i]) } : {}),
        ...(r.eliminated.length > 0 ? { eliminated: r.eliminated.map((i) => candidates[i]) } : {}),
        ...(r.tiedLowest ? { tiedLowest: r.tiedLowest.map((i) => candidates[i]) } : {}),
      }));
      return { ranking, details: { irvRounds } };
    }
    case 'condorcet-winner':
      return { ranking: sets.cw === null ? [all] : setFirst([sets.cw]), details: {} };
    case 'smith-set':
      return { ranking: setFirst(sets.smith), details: {} };
    case 'schwartz-set':
      return { ranking: setFirst(sets.schwartz), details: {} };
  }
}
