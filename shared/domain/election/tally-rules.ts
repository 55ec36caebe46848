import type { UnrankedRule } from '../condorcet/index.js';
import type { Election } from './election.js';

/**
 * How a candidate the voter left unranked counts, from the election's `allow_no_opinion`.
 * - true: the ballot form offers "No opinion", which Elekto defines as "not compared with
 *   anyone" (not "ranked last"), so unranked candidates take part in no pairwise comparison.
 * - false: there is no "No opinion" to choose, so leaving a candidate out can only mean
 *   "below everyone I ranked": unranked candidates tie for last (the Debian/CIVS convention).
 */
export function unrankedRuleFor(election: Pick<Election, 'allowNoOpinion'>): UnrankedRule {
  return election.allowNoOpinion ? 'ignored' : 'last';
}
