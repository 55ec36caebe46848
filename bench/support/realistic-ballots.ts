// Ballots shaped like real community elections (Elekto's exports): a few popular candidates,
// voting blocs, partial rankings, ties, untouched ballots (every candidate left at rank N) and
// blank ones. Seeded, so every bench run counts the same ballots.

/** mulberry32: small, fast, good enough for test data (never for anything secret). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three blocs, each boosting a different pair of candidates over a shared popularity curve. */
function blocWeights(n: number): number[][] {
  const base = Array.from({ length: n }, (_, i) => Math.exp(-0.3 * i));
  return [[0, 1], [2, 5], [3, 7]].map((boosted) => base.map((w, i) => (boosted.includes(i % n) ? w * 3 : w)));
}

const cache = new Map<number, number[][]>();

export function realisticRanking(candidates: readonly string[], random: () => number): string[][] {
  const n = candidates.length;
  const r = random();
  if (r < 0.01) return [];
  if (r < 0.05) return [[...candidates]];
  const blocs = cache.get(n) ?? blocWeights(n);
  cache.set(n, blocs);
  const weights = [...blocs[Math.floor(random() * blocs.length)]];
  // Plackett–Luce: pick the next candidate with probability proportional to its weight.
  const order: number[] = [];
  const left = candidates.map((_, i) => i);
  while (left.length > 0) {
    const total = left.reduce((s, i) => s + weights[i], 0);
    let x = random() * total;
    let k = 0;
    while (k < left.length - 1 && (x -= weights[left[k]]) > 0) k++;
    order.push(left[k]);
    left.splice(k, 1);
  }
  const kept = random() < 0.65 ? n : 1 + Math.floor(random() * 7);
  const groups = order.slice(0, kept).map((i) => [candidates[i]]);
  if (groups.length > 2 && random() < 0.15) {
    const g = Math.floor(random() * (groups.length - 1));
    groups.splice(g, 2, [...groups[g], ...groups[g + 1]]);
  }
  return groups;
}
