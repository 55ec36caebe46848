import { rankByRelation } from './rank-by-relation.js';

export type SchulzeVariant = 'winning' | 'margin' | 'ratio';

/**
 * Strength of the direct link a→b (Schulze 2011, §2.1), zero unless a beats b pairwise.
 * Winning votes is a plain number here, as in Elekto and Condorcet PHP (no secondary key on
 * losing votes). A ratio with no opposing vote is infinite: 3:0 outranks any 50:10.
 */
function linkStrength(m: Float64Array, n: number, a: number, b: number, variant: SchulzeVariant): number {
  const win = m[a * n + b];
  const lose = m[b * n + a];
  if (!(win > lose)) return 0;
  if (variant === 'winning') return win;
  if (variant === 'margin') return win - lose;
  return lose === 0 ? Infinity : win / lose;
}

/** p[a * n + b]: strength of the strongest path from a to b (Floyd–Warshall widest path). */
export function strongestPaths(m: Float64Array, n: number, variant: SchulzeVariant): Float64Array {
  const p = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) p[a * n + b] = linkStrength(m, n, a, b, variant);
  for (let k = 0; k < n; k++)
    for (let a = 0; a < n; a++) {
      if (a === k) continue;
      const ak = p[a * n + k];
      if (ak === 0) continue;
      for (let b = 0; b < n; b++) {
        if (b === k || b === a) continue;
        const via = Math.min(ak, p[k * n + b]);
        if (via > p[a * n + b]) p[a * n + b] = via;
      }
    }
  return p;
}

/** Schulze ranking: a beats b iff p[a,b] > p[b,a] (a transitive relation, so the groups are exact). */
export function schulze(m: Float64Array, n: number, variant: SchulzeVariant): { strongest: Float64Array; ranking: number[][] } {
  const strongest = strongestPaths(m, n, variant);
  return { strongest, ranking: rankByRelation(n, (a, b) => strongest[a * n + b] > strongest[b * n + a]) };
}
