import { TallyInputError } from './errors.js';

/**
 * Winners from a ranking. Without a seat count: the whole first group. With N seats: the top
 * groups that fit entirely within N; a group that straddles the cut is returned as `tieAtCut`
 * (its members are neither winners nor losers until people break the tie).
 */
export function fillSeats(ranking: readonly string[][], seats: number | undefined): { winners: string[]; tieAtCut?: string[] } {
  if (seats === undefined) return { winners: [...(ranking[0] ?? [])] };
  if (!Number.isSafeInteger(seats) || seats < 1) throw new TallyInputError(`winners must be a whole number of at least 1, not ${String(seats)}`);
  const winners: string[] = [];
  for (const group of ranking) {
    if (winners.length === seats) break;
    if (winners.length + group.length > seats) return { winners, tieAtCut: [...group] };
    winners.push(...group);
  }
  return { winners };
}
