// Condorcet winner/loser and the Smith and Schwartz sets, straight from their definitions on
// the pairwise matrix (m[a * n + b] = ballots preferring a to b).

export function condorcetWinner(m: Float64Array, n: number): number | null {
  for (let a = 0; a < n; a++) {
    let beatsAll = true;
    for (let b = 0; b < n && beatsAll; b++) if (a !== b && !(m[a * n + b] > m[b * n + a])) beatsAll = false;
    if (beatsAll) return a;
  }
  return null;
}

export function condorcetLoser(m: Float64Array, n: number): number | null {
  if (n < 2) return null;
  for (let a = 0; a < n; a++) {
    let losesAll = true;
    for (let b = 0; b < n && losesAll; b++) if (a !== b && !(m[b * n + a] > m[a * n + b])) losesAll = false;
    if (losesAll) return a;
  }
  return null;
}

/**
 * Smith set: the smallest set whose members all beat everyone outside. With "a is not beaten
 * by b" as the relation, it is the set of candidates that reach every candidate.
 */
export function smithSet(m: Float64Array, n: number): number[] {
  const reach = closure(n, (a, b) => m[a * n + b] >= m[b * n + a]);
  return range(n).filter((a) => range(n).every((b) => a === b || reach[a * n + b]));
}

/**
 * Schwartz set: union of the minimal sets no outsider beats. A candidate belongs iff everyone
 * who reaches it by a chain of pairwise defeats is reached back.
 */
export function schwartzSet(m: Float64Array, n: number): number[] {
  const reach = closure(n, (a, b) => m[a * n + b] > m[b * n + a]);
  return range(n).filter((a) => range(n).every((b) => a === b || !reach[b * n + a] || reach[a * n + b]));
}

/** Transitive closure (Warshall) of a relation, as an n×n 0/1 table. */
export function closure(n: number, edge: (a: number, b: number) => boolean): Uint8Array {
  const r = new Uint8Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b && edge(a, b)) r[a * n + b] = 1;
  for (let k = 0; k < n; k++)
    for (let a = 0; a < n; a++) {
      if (!r[a * n + k]) continue;
      for (let b = 0; b < n; b++) if (r[k * n + b]) r[a * n + b] = 1;
    }
  return r;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
