import { rankByScore } from './rank-by-relation.js';

export type MinimaxVariant = 'winning' | 'margin' | 'opposition';

/**
 * Minimax (Simpson–Kramer): a candidate's score is its worst pairwise result; lower is better
 * and equal scores tie.
 * - winning: the largest vote against it among opponents that beat it (0 if none beats it);
 * - margin: the largest margin against it over all opponents (negative for a Condorcet winner);
 * - opposition: the largest vote against it over all opponents, beaten or not (this variant
 *   is not Condorcet-consistent).
 */
export function minimax(m: Float64Array, n: number, variant: MinimaxVariant): { scores: Float64Array; ranking: number[][] } {
  const scores = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let worst = variant === 'margin' ? -Infinity : 0;
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const against = m[b * n + a];
      const forA = m[a * n + b];
      if (variant === 'winning') {
        if (against > forA) worst = Math.max(worst, against);
      } else if (variant === 'margin') {
        worst = Math.max(worst, against - forA);
      } else {
        worst = Math.max(worst, against);
      }
    }
    scores[a] = n === 1 ? 0 : worst;
  }
  return { scores, ranking: rankByScore(scores, 'lower') };
}
