import type { Ballot, UnrankedRule } from '../types.js';

/** What an election file holds, whatever its format. */
export interface ParsedElection {
  readonly candidates: string[];
  readonly ballots: Ballot[];
  /** Set when the file says how to read unranked candidates (JSON only). */
  readonly unranked?: UnrankedRule;
  /** Seats declared by the file (BLT only). */
  readonly seats?: number;
  readonly title?: string;
}
