// Shapes produced by the meta-repository parser. Pure data: the sync worker maps these to rows,
// `urna meta check` prints them. Paths are relative to the elections root, '/' separated.

/** Something an officer should fix. `error` means an item was left out; `warning` means it loaded with a fallback. */
export interface MetaProblem {
  path: string;
  line?: number;
  level: 'error' | 'warning';
  message: string;
  /** Set when the problem belongs to an election, so officers can see their own election's problems. */
  electionKey?: string;
}

export interface ParsedCandidate {
  /** The ballot key, from the header's `ID` (not the file name, see R18). */
  id: string;
  name: string;
  /** Path of the candidate file, relative to the elections root. */
  file: string;
  /** Every info field of the file, plus each `show_candidate_fields` entry under its listed spelling ('' when absent). */
  info: Record<string, string>;
  /** Markdown after the closing header rule, HTML comments stripped. */
  bio: string;
}

export interface ParsedElection {
  /** Directory path with '/' replaced by '---', as Elekto builds it; stored in the database and in URLs. */
  key: string;
  path: string;
  name: string;
  organization: string;
  start: Date;
  end: Date;
  exceptionDue: Date;
  noWinners: number;
  allowNoOpinion: boolean;
  deleteAfter: boolean;
  showCandidateFields: string[];
  officers: string[];
  voters: string[];
  candidates: ParsedCandidate[];
  description: string;
  results: string | null;
  eligibility: string;
  exceptionDescription: string;
  method: string | null;
  hasDescription: boolean;
  hasResults: boolean;
}

export interface BrokenElection {
  key: string;
  path: string;
}

export interface MetaParseResult {
  elections: ParsedElection[];
  problems: MetaProblem[];
  /** Elections whose election.yaml exists but could not be used; the sync worker keeps their last good version. */
  brokenElections: BrokenElection[];
}

/** A file the reader could not hand over (too large, a symlink, an LFS pointer...); the parser reports it in context. */
export interface UnreadableFile {
  readonly unreadable: string;
}

export type MetaFile = string | Uint8Array | UnreadableFile;

/**
 * The elections root as a virtual tree, so the parser can be fed from a directory or a git object store.
 * Keys are file paths relative to the root, '/' separated; directories are implied by the paths.
 */
export type MetaTree = ReadonlyMap<string, MetaFile>;

/** Larger files are refused: no real meta file comes close, and YAML parsing cost grows with size. */
export const MAX_META_FILE_BYTES = 1024 * 1024;
