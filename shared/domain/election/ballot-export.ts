import { randomInt } from 'node:crypto';
import type { Ballot, Ranking, UnrankedRule } from '../condorcet/index.js';
import { writeBlt } from '../condorcet/formats/blt.js';
import { writeElektoCsv } from '../condorcet/formats/elekto-csv.js';

export type BallotExportFormat = 'csv' | 'blt';

export interface BallotExportInput {
  /** Candidate keys (the ids ballots use), in the election's order. */
  candidates: readonly string[];
  /** The stored JSON rankings, in whatever order the database returned them. */
  rankingTexts: readonly string[];
  unranked: UnrankedRule;
  seats: number;
  title: string;
}

/** A uniform index in [0, bound); crypto randomness by default, injectable for tests. */
export type RandomIndex = (bound: number) => number;

const cryptoIndex: RandomIndex = (bound) => randomInt(bound);

/**
 * Fisher–Yates with a cryptographic source. Export order must carry no information: insertion
 * or id order would let anyone who saw when people voted line rows up with voters.
 */
export function shuffle<T>(items: T[], randomIndex: RandomIndex = cryptoIndex): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/**
 * The anonymised ballots as a file `urna tally` (or Elekto's tooling, or OpenSTV) can read back.
 * Unranked candidates are written out explicitly under the `last` rule, so the file means the
 * same thing to readers that treat a missing rank as "No opinion".
 */
export function exportBallots(format: BallotExportFormat, input: BallotExportInput, randomIndex: RandomIndex = cryptoIndex): string {
  const texts = shuffle([...input.rankingTexts], randomIndex);
  if (format === 'csv') {
    return writeElektoCsv(input.candidates, texts.map((t): Ballot => ({ ranking: JSON.parse(t) as Ranking })), input.unranked);
  }
  // BLT carries counts: identical ballots become one weighted line (smaller, and no order at all
  // within a group), listed in the shuffled order of their first appearance.
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const ballots = [...counts].map(([t, count]): Ballot => ({ ranking: JSON.parse(t) as Ranking, count }));
  return writeBlt(input.candidates, ballots, { seats: input.seats, title: input.title, unranked: input.unranked });
}
