import { indexCandidates } from './candidate-list.js';
import { TallyInputError } from './errors.js';
import { buildPairwiseMatrix } from './pairwise-pass.js';
import { GROUP_START, INDEX_MASK, createRankingStoreBuilder, type RankingStore } from './ranking-store.js';
import type { Ranking, UnrankedRule } from './types.js';

/** Everything a method needs, with no ballot objects left: counts, the matrix, the distinct rankings. */
export interface BallotSummary {
  readonly candidates: readonly string[];
  readonly unranked: UnrankedRule;
  /** Total ballots, blank ones included. */
  readonly ballots: number;
  /** `pairwise[a * n + b]` = ballots preferring candidate a to candidate b. */
  readonly pairwise: Float64Array;
  /** Rankings with their counts (identical ballots grouped while the cache had room). */
  readonly rankings: RankingStore;
}

export interface TallyAccumulator {
  /** Adds `count` ballots with this ranking; throws TallyInputError on an invalid ranking. */
  add(ranking: Ranking, count?: number): void;
  /**
   * Adds a ranking stored as JSON text (the `ballots.ranking` column). Identical texts are
   * grouped before parsing, so a million rows with a few thousand distinct rankings parse a
   * few thousand times.
   */
  addJson(json: string, count?: number): void;
  finish(): BallotSummary;
}

export interface AccumulatorOptions {
  /**
   * Distinct rankings remembered for grouping. Past it, new rankings are still counted, just
   * not merged with later copies: memory stays bounded on adversarial, all-distinct input.
   */
  readonly maxCachedKeys?: number;
}

const DEFAULT_MAX_CACHED_KEYS = 1 << 17;
/** JSON texts kept for grouping, in characters (≈ 16–32 MB): long texts must not fill memory. */
const MAX_CACHED_JSON_CHARS = 1 << 24;
/** Lookups before judging whether grouping by text pays (it does not when texts rarely repeat). */
const JSON_CACHE_TRIAL = 1 << 14;

export function createTallyAccumulator(
  candidates: readonly string[],
  unranked: UnrankedRule = 'ignored',
  options: AccumulatorOptions = {},
): TallyAccumulator {
  const index = indexCandidates(candidates);
  if (unranked !== 'ignored' && unranked !== 'last') throw new TallyInputError(`unranked must be 'ignored' or 'last', not '${String(unranked)}'`);
  const n = candidates.length;
  const maxCached = options.maxCachedKeys ?? DEFAULT_MAX_CACHED_KEYS;
  const store = createRankingStoreBuilder(maxCached);
  const byJson = new Map<string, number>();
  const scratch = new Uint16Array(n);
  const seen = new Uint32Array(n);
  let stamp = 0;
  let total = 0;
  let scratchLength = 0;
  const checkScratch = (): void => checkNoDuplicates(scratchLength);
  let finished = false;
  let jsonCacheOn = true;
  let jsonChars = 0;
  let jsonLookups = 0;
  let jsonHits = 0;

  /** Encodes into `scratch` (tie groups sorted, so A=B and B=A are one ranking); returns the length. */
  function encode(ranking: Ranking): number {
    if (!Array.isArray(ranking)) throw new TallyInputError('a ranking must be a list of groups of candidate ids');
    let len = 0;
    for (let g = 0; g < ranking.length; g++) {
      const group = ranking[g];
      if (!Array.isArray(group) || group.length === 0) throw new TallyInputError(`rank ${g + 1} must be a non-empty list of candidate ids`);
      const first = len;
      for (let k = 0; k < group.length; k++) {
        const i = index.get(group[k]);
        if (i === undefined) throw new TallyInputError(`unknown candidate '${String(group[k])}'`);
        if (len === n) throw new TallyInputError(`duplicate candidate '${group[k]}' in one ballot`);
        scratch[len++] = i;
      }
      if (len - first > 1) sortSegment(scratch, first, len);
      scratch[first] |= GROUP_START;
    }
    return len;
  }

  function checkNoDuplicates(len: number): void {
    stamp += 1;
    for (let k = 0; k < len; k++) {
      const i = scratch[k] & INDEX_MASK;
      if (seen[i] === stamp) throw new TallyInputError(`duplicate candidate '${candidates[i]}' in one ballot`);
      seen[i] = stamp;
    }
  }

  /** Store id for the ranking now in `scratch`, counting `count` ballots. */
  function record(len: number, count: number): number {
    // Only a ranking not stored yet can hold a duplicate: stored ones were checked then.
    scratchLength = len;
    return store.record(scratch, len, count, checkScratch);
  }

  function checkOpen(count: number): void {
    if (finished) throw new Error('tally accumulator already finished');
    if (!Number.isSafeInteger(count) || count < 1) throw new TallyInputError(`ballot count must be a whole number of at least 1, not ${String(count)}`);
  }

  return {
    add(ranking, count = 1) {
      checkOpen(count);
      record(encode(ranking), count);
      total += count;
    },
    addJson(json, count = 1) {
      checkOpen(count);
      if (jsonCacheOn) {
        jsonLookups += 1;
        const known = byJson.get(json);
        if (known !== undefined) {
          jsonHits += 1;
          store.addCount(known, count);
          total += count;
          return;
        }
        // Mostly distinct texts: hashing them costs more than it saves, and they fill memory.
        if (jsonLookups >= JSON_CACHE_TRIAL && jsonHits * 8 < jsonLookups) {
          jsonCacheOn = false;
          byJson.clear();
        }
      }
      let ranking: Ranking;
      try {
        ranking = JSON.parse(json) as Ranking;
      } catch {
        throw new TallyInputError('ranking is not valid JSON');
      }
      const id = record(encode(ranking), count);
      if (jsonCacheOn && byJson.size < maxCached && jsonChars + json.length <= MAX_CACHED_JSON_CHARS) {
        byJson.set(json, id);
        jsonChars += json.length;
      }
      total += count;
    },
    finish() {
      if (finished) throw new Error('tally accumulator already finished');
      finished = true;
      const rankings = store.view();
      byJson.clear();
      return { candidates: [...candidates], unranked, ballots: total, pairwise: buildPairwiseMatrix(rankings, n, unranked), rankings };
    },
  };
}

/** Insertion sort of a short run (a tie group). */
function sortSegment(a: Uint16Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
