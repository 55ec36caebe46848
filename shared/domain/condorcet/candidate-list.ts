import { TallyInputError } from './errors.js';
import { MAX_CANDIDATES } from './ranking-store.js';

/** Checks a candidate list and returns id → index. */
export function indexCandidates(candidates: readonly string[]): Map<string, number> {
  if (!Array.isArray(candidates) || candidates.length === 0) throw new TallyInputError('no candidates');
  if (candidates.length > MAX_CANDIDATES) throw new TallyInputError(`too many candidates (${candidates.length}; at most ${MAX_CANDIDATES})`);
  const index = new Map<string, number>();
  candidates.forEach((id, i) => {
    if (typeof id !== 'string' || id.trim() === '') throw new TallyInputError(`candidate ${i + 1} has an empty or non-text id`);
    if (index.has(id)) throw new TallyInputError(`duplicate candidate '${id}' in the candidate list`);
    index.set(id, i);
  });
  return index;
}
