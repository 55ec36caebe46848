import { indexCandidates } from '../candidate-list.js';
import { TallyInputError } from '../errors.js';
import type { Ballot, Ranking, UnrankedRule } from '../types.js';
import { csvCell, parseCsvRows } from './csv-rows.js';
import type { ParsedElection } from './parsed-election.js';

export const NO_OPINION = 'No opinion';

/**
 * Elekto's ballot export: a header of candidate ids, then one row per ballot whose cells are
 * ranks (1 = most preferred, equal numbers tie, gaps allowed) or `No opinion` / empty.
 */
export function parseElektoCsv(text: string): ParsedElection {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new TallyInputError('line 1: empty file, expected a header of candidate ids');
  const [header, ...body] = rows;
  const candidates = header.cells.map((c) => c.trim());
  const blank = candidates.findIndex((c) => c === '');
  if (blank >= 0) throw new TallyInputError(`line ${header.line}: column ${blank + 1} of the header has no candidate id`);
  try {
    indexCandidates(candidates);
  } catch (error) {
    throw new TallyInputError(`line ${header.line}: ${(error as Error).message}`);
  }

  const ballots = body.map(({ cells, line }): Ballot => {
    if (cells.length !== candidates.length) {
      throw new TallyInputError(`line ${line}: expected ${candidates.length} cells (one per candidate), found ${cells.length}`);
    }
    const byRank = new Map<number, string[]>();
    cells.forEach((raw, col) => {
      const cell = raw.trim();
      if (cell === '' || cell.toLowerCase() === NO_OPINION.toLowerCase()) return;
      if (!/^\d+$/.test(cell) || Number(cell) < 1 || !Number.isSafeInteger(Number(cell))) {
        throw new TallyInputError(`line ${line}, column '${candidates[col]}': bad rank '${cell}' (expected a whole number from 1, or '${NO_OPINION}')`);
      }
      const rank = Number(cell);
      byRank.set(rank, [...(byRank.get(rank) ?? []), candidates[col]]);
    });
    const ranking = [...byRank.keys()].sort((a, b) => a - b).map((r) => byRank.get(r)!);
    return { ranking, count: 1 };
  });
  return { candidates, ballots };
}

/**
 * One row per ballot (a ballot with count k is written k times), dense ranks 1..k.
 * With `unranked: 'last'` the unranked candidates are written as one more shared rank, so the
 * file means the same thing when read back with Elekto's default (No opinion = ignored).
 */
export function writeElektoCsv(candidates: readonly string[], ballots: Iterable<Ballot>, unranked: UnrankedRule = 'ignored'): string {
  const index = indexCandidates(candidates);
  const lines = [candidates.map(csvCell).join(',')];
  for (const ballot of ballots) {
    const row = rankCells(ballot.ranking, candidates.length, index, unranked).join(',');
    for (let k = 0; k < (ballot.count ?? 1); k++) lines.push(row);
  }
  return `${lines.join('\n')}\n`;
}

function rankCells(ranking: Ranking, n: number, index: ReadonlyMap<string, number>, unranked: UnrankedRule): string[] {
  const cells = new Array<string>(n).fill(NO_OPINION);
  ranking.forEach((group, g) => {
    for (const id of group) {
      const i = index.get(id);
      if (i === undefined) throw new TallyInputError(`unknown candidate '${id}'`);
      cells[i] = String(g + 1);
    }
  });
  if (unranked === 'last' && ranking.length > 0) {
    const last = String(ranking.length + 1);
    for (let i = 0; i < n; i++) if (cells[i] === NO_OPINION) cells[i] = last;
  }
  return cells;
}
