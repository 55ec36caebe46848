// Checks one published tally vector (see ../../../../../shared/fixtures/tally/README.md for the
// format) against the engine. Every `expected` key the engine can compute is compared; STV
// keys are left to the multi-winner roadmap; any other key is reported, never ignored.
import { TallyInputError } from '../errors.js';
import { resolveMethod } from '../method-names.js';
import { tally } from '../tally.js';
import type { Ballot, TallyResult, UnrankedRule } from '../types.js';

export interface TallyVector {
  readonly id: string;
  readonly source?: string;
  readonly method: string;
  readonly candidates: string[];
  readonly unranked?: UnrankedRule;
  readonly ballots: Ballot[];
  readonly expected: Record<string, unknown>;
  readonly notes?: string;
}

export interface VectorReport {
  readonly checked: string[];
  /** Keys this engine has no method for (STV vectors). */
  readonly notApplicable: string[];
  readonly failures: string[];
}

const STV_ONLY_KEYS = new Set(['quota', 'elected_order']);

export function checkVector(vector: TallyVector): VectorReport {
  const checked: string[] = [];
  const notApplicable: string[] = [];
  const failures: string[] = [];
  const expected = vector.expected;
  const engineMethod = isEngineMethod(vector.method);
  const seats = typeof expected.seats === 'number' ? expected.seats : undefined;
  const run = memo((method: string): TallyResult =>
    tally({ candidates: vector.candidates, ballots: vector.ballots, unranked: vector.unranked ?? 'last' }, { method, winners: method === vector.method ? seats : undefined }),
  );

  if (!engineMethod) {
    // Not recomputed (STV), but its ballots must still be valid for its candidates.
    try {
      run('schulze-winning');
    } catch (error) {
      if (!(error instanceof TallyInputError)) throw error;
      failures.push(`ballots: ${error.message}`);
    }
  }

  for (const [key, want] of Object.entries(expected)) {
    if (key === 'ballot_count') {
      checked.push(key);
      const total = vector.ballots.reduce((s, b) => s + (b.count ?? 1), 0);
      if (total !== want) failures.push(`ballot_count: expected ${String(want)}, got ${total}`);
      continue;
    }
    if (!engineMethod || STV_ONLY_KEYS.has(key)) {
      notApplicable.push(key);
      continue;
    }
    try {
      const problem = compareKey(key, want, vector, run);
      if (problem === undefined) {
        failures.push(`${key}: this checker does not know the key`);
        continue;
      }
      checked.push(key);
      if (problem) failures.push(`${key}: ${problem}`);
    } catch (error) {
      if (!(error instanceof TallyInputError)) throw error;
      failures.push(`${key}: ${error.message}`);
    }
  }
  return { checked, notApplicable, failures };
}

/** '' when equal, a description when not, undefined for an unknown key. */
function compareKey(key: string, want: unknown, vector: TallyVector, run: (method: string) => TallyResult): string | undefined {
  const own = run(vector.method);
  switch (key) {
    case 'seats':
      return ''; // used above as the seat count
    case 'winners':
      return sameSet(own.winners, want as string[]);
    case 'not_winners': {
      const wrong = (want as string[]).filter((c) => own.winners.includes(c));
      return wrong.length > 0 ? `${wrong.join(', ')} won` : '';
    }
    case 'ranking':
      return sameRanking(own.ranking, want as string[][]);
    case 'condorcet_winner':
      return own.condorcetWinner === want ? '' : `expected ${String(want)}, got ${String(own.condorcetWinner)}`;
    case 'condorcet_loser':
      return own.condorcetLoser === want ? '' : `expected ${String(want)}, got ${String(own.condorcetLoser)}`;
    case 'smith_set':
      return sameSet(own.smithSet, want as string[]);
    case 'schwartz_set':
      return sameSet(own.schwartzSet, want as string[]);
    case 'pairwise':
      return sameTable(own.pairwise, want as Table);
    case 'pairwise_margin': {
      const margins: Table = {};
      for (const [a, row] of Object.entries(own.pairwise)) {
        margins[a] = Object.fromEntries(Object.entries(row).map(([b, v]) => [b, v - own.pairwise[b][a]]));
      }
      return sameTable(margins, want as Table);
    }
    case 'strongest_paths':
      return sameTable((own.strongest ? own : run('schulze-winning')).strongest ?? {}, want as Table);
    case 'copeland_balance':
      return sameScores(run('copeland').copelandScores ?? {}, want as Record<string, number>);
    case 'minimax_scores':
      return sameScores((own.minimaxScores ? own : run('minimax-winning')).minimaxScores ?? {}, want as Record<string, number>);
    case 'kemeny_best_score': {
      const score = run('kemeny-young').kemenyScore;
      return score === want ? '' : `expected ${String(want)}, got ${String(score)}`;
    }
    case 'irv_rounds':
      return sameRounds(run('irv'), want);
    default:
      return undefined;
  }
}

type Table = Record<string, Record<string, number | null>>;

function sameSet(got: readonly string[], want: readonly string[]): string {
  const a = [...got].sort();
  const b = [...want].sort();
  return JSON.stringify(a) === JSON.stringify(b) ? '' : `expected {${b.join(', ')}}, got {${a.join(', ')}}`;
}

function sameRanking(got: string[][], want: string[][]): string {
  const norm = (r: string[][]): string => r.map((g) => [...g].sort().join(' = ')).join(' > ');
  return norm(got) === norm(want) ? '' : `expected ${norm(want)}, got ${norm(got)}`;
}

function close(got: number | null | undefined, want: number | null): boolean {
  const g = got === null || got === undefined ? (got === null ? Infinity : NaN) : got;
  const w = want === null ? Infinity : want;
  return g === w || Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w));
}

function sameTable(got: Table, want: Table): string {
  const diffs: string[] = [];
  for (const [a, row] of Object.entries(want)) {
    for (const [b, w] of Object.entries(row)) if (!close(got[a]?.[b], w)) diffs.push(`${a}>${b} expected ${String(w)}, got ${String(got[a]?.[b])}`);
  }
  return diffs.join('; ');
}

function sameScores(got: Record<string, number>, want: Record<string, number>): string {
  return Object.entries(want)
    .filter(([c, w]) => !close(got[c], w))
    .map(([c, w]) => `${c} expected ${w}, got ${String(got[c])}`)
    .join('; ');
}

/** Accepts rounds as a list or a {1: ..., 2: ...} object, each a tally map or `{tallies}`. */
function sameRounds(result: TallyResult, want: unknown): string {
  const list = Array.isArray(want) ? want : Object.values(want as Record<string, unknown>);
  const rounds = result.irvRounds ?? [];
  if (list.length !== rounds.length) return `expected ${list.length} rounds, got ${rounds.length}`;
  return list
    .map((round, i) => {
      const tallies = (round as { tallies?: Record<string, number> }).tallies ?? (round as Record<string, number>);
      const diff = sameScores(rounds[i].tallies, tallies);
      const extra = Object.keys(rounds[i].tallies).filter((c) => !(c in tallies));
      return diff || extra.length > 0 ? `round ${i + 1}: ${[diff, ...extra.map((c) => `${c} unexpected`)].filter(Boolean).join('; ')}` : '';
    })
    .filter(Boolean)
    .join(' | ');
}

function isEngineMethod(method: string): boolean {
  try {
    resolveMethod(method);
    return true;
  } catch {
    return false;
  }
}

function memo(fn: (method: string) => TallyResult): (method: string) => TallyResult {
  const cache = new Map<string, TallyResult>();
  return (method) => {
    if (!cache.has(method)) cache.set(method, fn(method));
    return cache.get(method)!;
  };
}
