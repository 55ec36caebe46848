// Distinct rankings kept in three growable typed arrays instead of one object per ballot, with
// an open-addressing hash index so identical rankings are found without building string keys:
// a million mostly-distinct 20-candidate ballots cost ~50 MB instead of ~1 GB of string[][].

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
  /**
   * Adds `count` ballots ranked as `entries[0..length)`: to the identical stored ranking when
   * there is one, else as a new ranking, after `beforeNew` (which may throw to refuse it).
   * Returns its id.
   */
  record(entries: Uint16Array, length: number, count: number, beforeNew?: () => void): number;
  addCount(id: number, count: number): void;
  view(): RankingStore;
}

/**
 * `maxIndexed` bounds the hash index: past it, new rankings are still stored and counted, just
 * not merged with later copies (memory stays bounded on adversarial, all-distinct input).
 */
export function createRankingStoreBuilder(maxIndexed: number): RankingStoreBuilder {
  let size = 0;
  let used = 0;
  let offsets = new Uint32Array(1024);
  let counts = new Float64Array(1024);
  let entries = new Uint16Array(8192);
  let slots = new Int32Array(4096); // store id + 1; 0 = empty
  let hashes = new Int32Array(4096);
  let indexed = 0;

  const hashOf = (src: Uint16Array, length: number): number => {
    let h = 0x811c9dc5 ^ length;
    for (let k = 0; k < length; k++) h = Math.imul(h ^ src[k], 0x01000193);
    return (h ^ (h >>> 15)) | 0;
  };

  const same = (id: number, src: Uint16Array, length: number): boolean => {
    const start = offsets[id];
    if (offsets[id + 1] - start !== length) return false;
    for (let k = 0; k < length; k++) if (entries[start + k] !== src[k]) return false;
    return true;
  };

  const lookup = (src: Uint16Array, length: number, h: number): number => {
    const mask = slots.length - 1;
    for (let s = h & mask; slots[s] !== 0; s = (s + 1) & mask) {
      if (hashes[s] === h && same(slots[s] - 1, src, length)) return slots[s] - 1;
    }
    return -1;
  };

  const index = (id: number, h: number): void => {
    if ((indexed + 1) * 2 > slots.length) rehash(slots.length * 2);
    const mask = slots.length - 1;
    let s = h & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = id + 1;
    hashes[s] = h;
    indexed += 1;
  };

  const rehash = (capacity: number): void => {
    const oldSlots = slots;
    const oldHashes = hashes;
    slots = new Int32Array(capacity);
    hashes = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] === 0) continue;
      let s = oldHashes[i] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = oldSlots[i];
      hashes[s] = oldHashes[i];
    }
  };

  const push = (src: Uint16Array, length: number, count: number): number => {
    if (size + 2 > offsets.length) {
      offsets = grow(offsets, offsets.length * 2);
      counts = grow(counts, counts.length * 2);
    }
    if (used + length > entries.length) entries = grow(entries, Math.max(entries.length * 2, used + length));
    for (let k = 0; k < length; k++) entries[used + k] = src[k];
    used += length;
    counts[size] = count;
    size += 1;
    offsets[size] = used;
    return size - 1;
  };

  return {
    record(src, length, count, beforeNew) {
      const h = hashOf(src, length);
      const found = lookup(src, length, h);
      if (found >= 0) {
        counts[found] += count;
        return found;
      }
      beforeNew?.();
      const id = push(src, length, count);
      if (indexed < maxIndexed) index(id, h);
      return id;
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
