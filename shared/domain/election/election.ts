/** An election as the web and the workers see it (read from SQL, written by sync). */
export interface Election {
  id: string;
  key: string;
  path: string;
  name: string;
  organization: string;
  startAt: Date;
  endAt: Date;
  exceptionDueAt: Date;
  noWinners: number;
  allowNoOpinion: boolean;
  deleteAfter: boolean;
  method: string | null;
  showCandidateFields: string[];
  officers: string[];
  eligibility: string;
  exceptionDescription: string;
  description: string;
  results: string | null;
  fingerprint: string;
  metaCommit: string | null;
  broken: boolean;
  problems: Array<{ path: string; line?: number; level: 'error' | 'warning'; message: string }>;
  archivedAt: Date | null;
  concludedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Candidate {
  id: string;
  electionId: string;
  /** The `ID` from the candidate file: the key ballots use. */
  key: string;
  name: string;
  file: string;
  info: Record<string, string>;
  bio: string;
  position: number;
}

export type ElectionStatus = 'upcoming' | 'open' | 'closed';

/** Voting is open for start ≤ now < end, unless a tally has concluded the election. */
export function electionStatus(e: Pick<Election, 'startAt' | 'endAt' | 'concludedAt'>, now: Date): ElectionStatus {
  if (e.concludedAt) return 'closed';
  if (now < e.startAt) return 'upcoming';
  if (now < e.endAt) return 'open';
  return 'closed';
}

/** Logins are compared case-insensitively everywhere (Elekto's exact match is its most reported bug). */
export function normaliseLogin(login: string): string {
  return login.trim().toLowerCase();
}

export function isOfficer(e: Pick<Election, 'officers'>, login: string): boolean {
  const wanted = normaliseLogin(login);
  return e.officers.some((o) => normaliseLogin(o) === wanted);
}
