import { GROUP_START, INDEX_MASK, type RankingStore } from './ranking-store.js';
import type { UnrankedRule } from './types.js';

export interface IndexIrvRound {
  readonly tallies: Float64Array; // NaN for candidates no longer continuing
  readonly exhausted: number;
  readonly elected: number[];
  readonly eliminated: number[];
  /** Set when several candidates shared the lowest tally and the pairwise rule chose among them. */
  readonly tiedLowest?: number[];
}

/**
 * Instant-runoff, continued past the winner so every candidate gets a place.
 * Each round a ballot counts for its highest-ranked continuing candidate; when that rank is a
 * tie of k continuing candidates, each gets 1/k of it. Under `unranked: 'last'` the unranked
 * candidates form an implicit last group, so a ballot reaches them before it is exhausted (a
 * blank ballot stays blank). A candidate with more than half of the ballots still counting
 * that round is placed next from the top and removed; otherwise the candidates with the lowest
 * tally are eliminated and placed next from the bottom.
 *
 * Several candidates sharing the lowest tally are told apart by the ballots, never by list
 * order (the Condorcet PHP rule): one of them is spared when, against another of them, it wins
 * head-to-head, or has a better pairwise record (wins − losses), or more pairwise wins; all
 * the others are eliminated together, or all of them if each is spared. Candidates removed
 * together share a place; rounds with one continuing candidate are not recorded.
 */
export function instantRunoff(store: RankingStore, m: Float64Array, n: number, unranked: UnrankedRule): { ranking: number[][]; rounds: IndexIrvRound[] } {
  const continuing = new Uint8Array(n).fill(1);
  const spared = sparedBy(m, n);
  let left = n;
  const top: number[][] = [];
  const bottom: number[][] = [];
  const rounds: IndexIrvRound[] = [];

  while (left > 0) {
    const alive = Array.from({ length: n }, (_, i) => i).filter((i) => continuing[i]);
    if (left === 1) {
      top.push(alive);
      break;
    }
    const { tallies, counting, exhausted } = countRound(store, n, continuing, unranked);
    const scale = Math.max(1, counting) * 1e-12; // fractional shares: equal up to rounding
    const max = Math.max(...alive.map((i) => tallies[i]));
    const min = Math.min(...alive.map((i) => tallies[i]));
    const elected = max * 2 > counting + scale ? alive.filter((i) => Math.abs(tallies[i] - max) <= scale) : [];
    const lowest = elected.length > 0 ? [] : alive.filter((i) => Math.abs(tallies[i] - min) <= scale);
    const chosen = lowest.filter((a) => !lowest.some((b) => b !== a && spared(a, b)));
    const losers = chosen.length > 0 ? chosen : lowest;
    const allTied = losers.length === alive.length;
    rounds.push({ tallies, exhausted, elected, eliminated: allTied ? [] : losers, ...(lowest.length > losers.length ? { tiedLowest: lowest } : {}) });
    const removed = elected.length > 0 ? elected : losers;
    for (const i of removed) continuing[i] = 0;
    left -= removed.length;
    if (elected.length > 0 || allTied) top.push(removed);
    else bottom.unshift(removed);
  }
  return { ranking: [...top, ...bottom], rounds };
}

/** `spared(a, b)`: a does better than b head-to-head, or in pairwise record, or in pairwise wins. */
function sparedBy(m: Float64Array, n: number): (a: number, b: number) => boolean {
  const wins = new Float64Array(n);
  const balance = new Float64Array(n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const d = m[a * n + b] - m[b * n + a];
      if (d > 0) wins[a] += 1;
      balance[a] += Math.sign(d);
    }
  return (a, b) => m[a * n + b] > m[b * n + a] || balance[a] > balance[b] || wins[a] > wins[b];
}

function countRound(
  store: RankingStore,
  n: number,
  continuing: Uint8Array,
  unranked: UnrankedRule,
): { tallies: Float64Array; counting: number; exhausted: number } {
  const tallies = new Float64Array(n);
  const ranked = new Uint32Array(n);
  for (let i = 0; i < n; i++) if (!continuing[i]) tallies[i] = NaN;
  const { offsets, entries, counts } = store;
  let counting = 0;
  let exhausted = 0;
  for (let b = 0; b < store.size; b++) {
    const count = counts[b];
    const end = offsets[b + 1];
    let k = offsets[b];
    let shares = 0;
    // Walk tie groups until one holds a continuing candidate.
    while (k < end && shares === 0) {
      const groupStart = k;
      do {
        if (continuing[entries[k] & INDEX_MASK]) shares++;
        k++;
      } while (k < end && !(entries[k] & GROUP_START));
      if (shares > 0) {
        for (let j = groupStart; j < k; j++) {
          const c = entries[j] & INDEX_MASK;
          if (continuing[c]) tallies[c] += count / shares;
        }
      }
    }
    if (shares === 0 && unranked === 'last' && end > offsets[b]) {
      for (let j = offsets[b]; j < end; j++) ranked[entries[j] & INDEX_MASK] = b + 1;
      for (let c = 0; c < n; c++) if (continuing[c] && ranked[c] !== b + 1) shares++;
      for (let c = 0; c < n; c++) if (continuing[c] && ranked[c] !== b + 1) tallies[c] += count / shares;
    }
    if (shares > 0) counting += count;
    else exhausted += count;
  }
  return { tallies, counting, exhausted };
}
