import { TallyInputError } from './errors.js';
import { rankByRelation } from './rank-by-relation.js';

/** Above this the exact search (2^n · n² steps) stops being instant, so it is refused. */
export const KEMENY_MAX_CANDIDATES = 12;

/**
 * Kemeny–Young: the strict ranking(s) maximising the agreement score Σ m[x,y] over pairs with
 * x above y. Found exactly by dynamic programming over the set of candidates already placed
 * (the score of placing x next depends only on that set), rather than trying all n! orders.
 * When several rankings reach the best score, x is ranked above y only if it is above y in
 * every one of them; the others are reported tied instead of picking one.
 */
export function kemenyYoung(m: Float64Array, n: number): { score: number; optimalRankings: number; ranking: number[][] } {
  if (n > KEMENY_MAX_CANDIDATES) {
    throw new TallyInputError(`kemeny-young is limited to ${KEMENY_MAX_CANDIDATES} candidates (this election has ${n}); use schulze or ranked-pairs`);
  }
  const size = 1 << n;
  const full = size - 1;
  // gain(S, x): score won by placing x right after the set S, i.e. Σ m[x,y] for y placed later.
  const gain = (set: number, x: number): number => {
    let g = 0;
    for (let y = 0; y < n; y++) if (y !== x && !(set & (1 << y))) g += m[x * n + y];
    return g;
  };

  const best = new Float64Array(size).fill(-Infinity); // best score of an order of the set S
  best[0] = 0;
  for (let set = 0; set < full; set++)
    for (let x = 0; x < n; x++) {
      if (set & (1 << x)) continue;
      const v = best[set] + gain(set, x);
      if (v > best[set | (1 << x)]) best[set | (1 << x)] = v;
    }

  const rest = new Float64Array(size); // best score obtainable after the set S
  const ways = new Float64Array(size); // number of optimal completions after S
  ways[full] = 1;
  for (let set = full - 1; set >= 0; set--) {
    let top = -Infinity;
    for (let x = 0; x < n; x++) if (!(set & (1 << x))) top = Math.max(top, gain(set, x) + rest[set | (1 << x)]);
    rest[set] = top;
    for (let x = 0; x < n; x++) if (!(set & (1 << x)) && gain(set, x) + rest[set | (1 << x)] === top) ways[set] += ways[set | (1 << x)];
  }

  // y can precede x in an optimal ranking iff some optimal prefix contains y but not x.
  const score = rest[0];
  const canPrecede = new Uint8Array(n * n);
  for (let set = 1; set < full; set++) {
    if (best[set] + rest[set] !== score) continue;
    for (let y = 0; y < n; y++) {
      if (!(set & (1 << y))) continue;
      for (let x = 0; x < n; x++) if (!(set & (1 << x))) canPrecede[y * n + x] = 1;
    }
  }
  return { score, optimalRankings: ways[0], ranking: rankByRelation(n, (a, b) => !canPrecede[b * n + a]) };
}
