import type { PairTable, StrengthTable } from './types.js';

/** n×n matrix → `{A: {B: value}}` over ordered pairs of distinct candidates. */
export function pairTable(m: Float64Array, candidates: readonly string[]): PairTable {
  const n = candidates.length;
  const table: PairTable = {};
  candidates.forEach((a, i) => {
    const row: Record<string, number> = {};
    candidates.forEach((b, j) => {
      if (i !== j) row[b] = m[i * n + j];
    });
    table[a] = row;
  });
  return table;
}

/** Like pairTable, with infinite strengths (unopposed schulze-ratio links) written as null for JSON. */
export function strengthTable(m: Float64Array, candidates: readonly string[]): StrengthTable {
  const table: StrengthTable = {};
  for (const [a, row] of Object.entries(pairTable(m, candidates))) {
    table[a] = Object.fromEntries(Object.entries(row).map(([b, v]) => [b, Number.isFinite(v) ? v : null]));
  }
  return table;
}

/** Index → id, and each tie group in candidate-list order (presentation only). */
export function namedGroups(groups: readonly number[][], candidates: readonly string[]): string[][] {
  return groups.map((g) => [...g].sort((a, b) => a - b).map((i) => candidates[i]));
}

export function namedScores(scores: ArrayLike<number>, candidates: readonly string[]): Record<string, number> {
  return Object.fromEntries(candidates.map((c, i) => [c, scores[i]]));
}
