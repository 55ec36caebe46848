import { rankByScore } from './rank-by-relation.js';

/** Copeland: pairwise wins minus pairwise losses; higher is better, equal scores tie. */
export function copeland(m: Float64Array, n: number): { scores: Float64Array; ranking: number[][] } {
  const scores = new Float64Array(n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const d = m[a * n + b] - m[b * n + a];
      scores[a] += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  return { scores, ranking: rankByScore(scores, 'higher') };
}
