// Distinct rankings kept in three growable typed arrays instead of one object per ballot: a
// million mostly-distinct 20-candidate ballots then cost ~50 MB, not the ~1 GB of string[][].

/** Set on the first candidate of each tie group (candidate indices use the low 15 bits). */
export const GROUP_START = 0x8000;
export const INDEX_MASK = 0x7fff;
export const MAX_CANDIDATES = INDEX_MASK;

/** Read-only view of stored rankings: ranking `b` is `entries[offsets[b] .. offsets[b+1])`. */
export interface RankingStore {
  readonly size: number;
  readonly offsets: Uint32Array;
  readonly entries: Uint16Array;
  readonly counts: Float64Array;
}

export interface RankingStoreBuilder {
  /** Appends `entries[0..length)` as a new ranking with `count` ballots; returns its id. */
  push(entries: Uint16Array, length: number, count: number): number;
  addCount(id: number, count: number): void;
  view(): RankingStore;
}

export function createRankingStoreBuilder(): RankingStoreBuilder {
  let size = 0;
  let used = 0;
  let offsets = new Uint32Array(1024);
  let counts = new Float64Array(1024);
  let entries = new Uint16Array(8192);

  return {
    push(src, length, count) {
      if (size + 2 > offsets.length) {
        offsets = grow(offsets, offsets.length * 2);
        counts = grow(counts, counts.length * 2);
      }
      if (used + length > entries.length) entries = grow(entries, Math.max(entries.length * 2, used + length));
      entries.set(src.subarray(0, length), used);
      used += length;
      counts[size] = count;
      size += 1;
      offsets[size] = used;
      return size - 1;
    },
    addCount(id, count) {
      counts[id] += count;
    },
    view() {
      return { size, offsets: offsets.subarray(0, size + 1), entries: entries.subarray(0, used), counts: counts.subarray(0, size) };
    },
  };
}

function grow<T extends Uint32Array | Float64Array | Uint16Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}
