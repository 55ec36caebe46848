import { indexCandidates } from '../candidate-list.js';
import { TallyInputError } from '../errors.js';
import { rankingProblem } from '../ranking-check.js';
import type { Ballot, Ranking, UnrankedRule } from '../types.js';
import type { ParsedElection } from './parsed-election.js';

/**
 * `{"candidates": [...], "ballots": [{"count": n, "ranking": [["A"], ["B","C"]]}], "unranked": "ignored"|"last"}`.
 * `count` defaults to 1; `unranked` is optional (the caller picks the default).
 */
export function parseJsonElection(text: string): ParsedElection {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new TallyInputError(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(data)) throw new TallyInputError('JSON input must be an object with "candidates" and "ballots"');
  const { candidates, ballots, unranked } = data;
  if (!Array.isArray(candidates)) throw new TallyInputError('"candidates" must be a list of candidate ids');
  const index = indexCandidates(candidates as string[]);
  if (!Array.isArray(ballots)) throw new TallyInputError('"ballots" must be a list');
  if (unranked !== undefined && unranked !== 'ignored' && unranked !== 'last') {
    throw new TallyInputError(`"unranked" must be "ignored" or "last", not ${JSON.stringify(unranked)}`);
  }
  const parsed = ballots.map((ballot: unknown, i): Ballot => {
    const where = `ballot ${i + 1}`;
    if (!isObject(ballot)) throw new TallyInputError(`${where}: must be an object with a "ranking"`);
    const count = ballot.count ?? 1;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
      throw new TallyInputError(`${where}: "count" must be a whole number of at least 1, not ${JSON.stringify(count)}`);
    }
    const problem = rankingProblem(ballot.ranking, index);
    if (problem) throw new TallyInputError(`${where}: ${problem}`);
    return { count, ranking: ballot.ranking as Ranking };
  });
  return { candidates: [...(candidates as string[])], ballots: parsed, ...(unranked ? { unranked: unranked as UnrankedRule } : {}) };
}

export function writeJsonElection(candidates: readonly string[], ballots: Iterable<Ballot>, unranked: UnrankedRule): string {
  const list = [...ballots].map((b) => ({ count: b.count ?? 1, ranking: b.ranking }));
  return `${JSON.stringify({ candidates, unranked, ballots: list }, null, 1)}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
