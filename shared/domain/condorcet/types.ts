// Public types of the Condorcet engine. Everything here is plain data: a result can be stored
// as JSON by the tally worker and read back unchanged.

/** Groups of tied candidate ids, most preferred first: `[["A"], ["B", "C"]]` is A > B = C. */
export type Ranking = readonly (readonly string[])[];

/** One ballot (or `count` identical ballots). */
export interface Ballot {
  readonly ranking: Ranking;
  readonly count?: number;
}

/**
 * What a candidate missing from a ballot means.
 * - `ignored`: no opinion (Elekto, CIVS): the candidate takes part in no pairwise comparison
 *   on that ballot.
 * - `last`: tied with the other missing candidates below every ranked one (Debian, Condorcet PHP).
 */
export type UnrankedRule = 'ignored' | 'last';

export type MethodName =
  | 'schulze-winning'
  | 'schulze-margin'
  | 'schulze-ratio'
  | 'ranked-pairs-winning'
  | 'ranked-pairs-margin'
  | 'minimax-winning'
  | 'minimax-margin'
  | 'minimax-opposition'
  | 'copeland'
  | 'irv'
  | 'kemeny-young'
  | 'condorcet-winner'
  | 'smith-set'
  | 'schwartz-set';

export interface TallyInput {
  readonly candidates: readonly string[];
  readonly ballots: Iterable<Ballot>;
  readonly unranked?: UnrankedRule;
}

export interface TallyOptions {
  /** A method name or alias (`schulze`, `ranked-pairs`); default `schulze-winning`. */
  readonly method?: string;
  /**
   * Seats to fill. Absent: `winners` is the whole first group of the ranking (tied winners
   * included). Present: `winners` holds only candidates certain to win; a group straddling
   * the cut is reported in `tieAtCut` instead.
   */
  readonly winners?: number;
}

/** `table[A][B]` for every ordered pair of distinct candidates. */
export type PairTable = Record<string, Record<string, number>>;

/** Strongest-path strengths; `null` only for schulze-ratio, meaning an unopposed (infinite) link. */
export type StrengthTable = Record<string, Record<string, number | null>>;

export interface LockedPair {
  readonly from: string;
  readonly to: string;
  /** Winning votes or margin, depending on the variant. */
  readonly strength: number;
  /** Voters preferring `to` over `from` (the secondary sort key). */
  readonly opposition: number;
}

export interface IrvRound {
  /** Votes of each continuing candidate; a tie at the top of a ballot splits it equally. */
  readonly tallies: Record<string, number>;
  /** Ballots with no continuing candidate left. */
  readonly exhausted: number;
  readonly elected?: string[];
  readonly eliminated?: string[];
  /** Present when several shared the lowest tally and the pairwise rule chose `eliminated` among them. */
  readonly tiedLowest?: string[];
}

export interface TallyResult {
  readonly method: MethodName;
  readonly candidates: string[];
  readonly unranked: UnrankedRule;
  /** Total number of ballots, blank ones included. */
  readonly ballots: number;
  readonly ranking: string[][];
  readonly winners: string[];
  readonly seats?: number;
  readonly tieAtCut?: string[];
  /** `pairwise[A][B]` = ballots preferring A to B. */
  readonly pairwise: PairTable;
  readonly condorcetWinner: string | null;
  readonly condorcetLoser: string | null;
  readonly smithSet: string[];
  readonly schwartzSet: string[];
  readonly strongest?: StrengthTable;
  readonly rankedPairs?: { readonly locked: LockedPair[]; readonly skipped: LockedPair[] };
  readonly minimaxScores?: Record<string, number>;
  readonly copelandScores?: Record<string, number>;
  readonly kemenyScore?: number;
  /** How many strict rankings reach `kemenyScore`; above 1 the ranking shows their agreement. */
  readonly kemenyOptimalRankings?: number;
  readonly irvRounds?: IrvRound[];
}
