// The one ranking rule shared by the pairwise methods (the Condorcet PHP convention): take
// every remaining candidate that no remaining candidate beats; those taken together are tied;
// repeat. Nothing else orders candidates, so input order can never act as a hidden tiebreak.

/** Groups of candidate indices, best first. `beats(a, b)` must be irreflexive. */
export function rankByRelation(n: number, beats: (a: number, b: number) => boolean): number[][] {
  const remaining = new Set<number>(Array.from({ length: n }, (_, i) => i));
  const groups: number[][] = [];
  while (remaining.size > 0) {
    const top = [...remaining].filter((a) => ![...remaining].some((b) => b !== a && beats(b, a)));
    // A relation with a cycle among the rest leaves nobody unbeaten: they are tied together.
    const group = top.length > 0 ? top : [...remaining];
    for (const c of group) remaining.delete(c);
    groups.push(group);
  }
  return groups;
}

/** Groups by score; equal scores tie. */
export function rankByScore(scores: ArrayLike<number>, better: 'higher' | 'lower'): number[][] {
  const sign = better === 'higher' ? 1 : -1;
  return rankByRelation(scores.length, (a, b) => sign * (scores[a] - scores[b]) > 0);
}
