/**
 * Why a ranking is not valid for these candidates, or null. Parsers call it to report the
 * problem with its line or ballot number; the accumulator does the same checks on its own.
 */
export function rankingProblem(ranking: unknown, index: ReadonlyMap<string, number>): string | null {
  if (!Array.isArray(ranking)) return 'ranking must be a list of groups of candidate ids';
  const seen = new Set<string>();
  for (let g = 0; g < ranking.length; g++) {
    const group: unknown = ranking[g];
    if (!Array.isArray(group) || group.length === 0) return `rank ${g + 1} must be a non-empty list of candidate ids`;
    for (const id of group) {
      if (typeof id !== 'string') return `rank ${g + 1} holds ${JSON.stringify(id)}, not a candidate id`;
      if (!index.has(id)) return `unknown candidate '${id}'`;
      if (seen.has(id)) return `duplicate candidate '${id}' in one ballot`;
      seen.add(id);
    }
  }
  return null;
}
