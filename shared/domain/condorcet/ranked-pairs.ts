import { rankByRelation } from './rank-by-relation.js';

export type RankedPairsVariant = 'winning' | 'margin';

export interface IndexPair {
  readonly from: number;
  readonly to: number;
  readonly strength: number;
  readonly opposition: number;
}

/**
 * Tideman's ranked pairs. Majorities are sorted by strength (winning votes or margin), then by
 * fewer opposing votes. Pairs still equal on both keys form one batch, and a batch is decided
 * as a whole: every pair of the batch that lies on a cycle of (locked pairs + the batch) is
 * skipped, the others are locked. Choosing among equal pairs would need a tiebreak from outside
 * the ballots (candidate or ballot order); this rule needs none and keeps the locked graph
 * acyclic. The ranking then takes, repeatedly, the candidates with no locked defeat from a
 * remaining one.
 */
export function rankedPairs(m: Float64Array, n: number, variant: RankedPairsVariant): { ranking: number[][]; locked: IndexPair[]; skipped: IndexPair[] } {
  const pairs: IndexPair[] = [];
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const win = m[a * n + b];
      const lose = m[b * n + a];
      if (a !== b && win > lose) pairs.push({ from: a, to: b, strength: variant === 'winning' ? win : win - lose, opposition: lose });
    }
  pairs.sort((x, y) => y.strength - x.strength || x.opposition - y.opposition);

  const arc = new Uint8Array(n * n);
  const locked: IndexPair[] = [];
  const skipped: IndexPair[] = [];
  for (let i = 0; i < pairs.length; ) {
    let j = i + 1;
    while (j < pairs.length && pairs[j].strength === pairs[i].strength && pairs[j].opposition === pairs[i].opposition) j++;
    const batch = pairs.slice(i, j);
    for (const p of batch) arc[p.from * n + p.to] = 1;
    const onCycle = batch.map((p) => reaches(arc, n, p.to, p.from));
    batch.forEach((p, k) => {
      if (onCycle[k]) {
        arc[p.from * n + p.to] = 0;
        skipped.push(p);
      } else {
        locked.push(p);
      }
    });
    i = j;
  }
  return { ranking: rankByRelation(n, (a, b) => arc[a * n + b] === 1), locked, skipped };
}

/** Depth-first search over the arc table. */
function reaches(arc: Uint8Array, n: number, from: number, to: number): boolean {
  const seen = new Uint8Array(n);
  const stack = [from];
  seen[from] = 1;
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a === to) return true;
    for (let b = 0; b < n; b++) {
      if (arc[a * n + b] && !seen[b]) {
        seen[b] = 1;
        stack.push(b);
      }
    }
  }
  return false;
}
