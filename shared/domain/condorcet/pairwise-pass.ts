import { GROUP_START, INDEX_MASK, type RankingStore } from './ranking-store.js';
import type { UnrankedRule } from './types.js';

/**
 * The pairwise matrix `m[a * n + b]` = ballots preferring a to b, in one pass over the distinct
 * rankings: each is walked once and adds its count to every pair it orders. Equal ranks add
 * nothing; unranked candidates add nothing (`ignored`) or lose to every ranked one (`last`).
 */
export function buildPairwiseMatrix(store: RankingStore, n: number, unranked: UnrankedRule): Float64Array {
  const m = new Float64Array(n * n);
  const order = new Int32Array(n);
  const groupEnd = new Int32Array(n);
  const seen = new Uint32Array(n);
  const { offsets, entries, counts } = store;
  let stamp = 0;

  for (let b = 0; b < store.size; b++) {
    const count = counts[b];
    const start = offsets[b];
    const len = offsets[b + 1] - start;
    if (count === 0 || len === 0) continue;
    for (let k = 0; k < len; k++) order[k] = entries[start + k] & INDEX_MASK;

    let total = len;
    if (unranked === 'last' && len < n) {
      stamp += 1;
      for (let k = 0; k < len; k++) seen[order[k]] = stamp;
      for (let c = 0; c < n; c++) if (seen[c] !== stamp) order[total++] = c;
    }

    // groupEnd[k]: first position after k's tie group; everything from there on is below k.
    let end = len;
    for (let k = len - 1; k >= 0; k--) {
      groupEnd[k] = end;
      if (entries[start + k] & GROUP_START) end = k;
    }

    for (let p = 0; p < len; p++) {
      const row = order[p] * n;
      for (let q = groupEnd[p]; q < total; q++) m[row + order[q]] += count;
    }
  }
  return m;
}
