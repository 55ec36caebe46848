import { createHash } from 'node:crypto';
import type { ParsedElection } from '../../shared/domain/meta/index.js';
import { normaliseLogin } from '../../shared/domain/election/election.js';

/** Problems as stored on an election (the key is implied). */
export interface ElectionProblem {
  path: string;
  line?: number;
  level: 'error' | 'warning';
  message: string;
}

// Bump when the mapping from files to rows changes, so every election is written again once.
const FINGERPRINT_VERSION = 1;

/**
 * sha256 of everything sync would write for an election, normalised so that edits which change
 * nothing stored (voter order, duplicate spellings, info key order) do not count as changes.
 * An equal fingerprint means the election's rows are already right and it is skipped entirely.
 */
export function electionFingerprint(e: ParsedElection, problems: readonly ElectionProblem[]): string {
  // Parsed elections are never modified, and the parse cache hands out the same objects for
  // unchanged directories: remember their fingerprint instead of hashing 1,000 voters again.
  const problemsKey = JSON.stringify(problems);
  const known = memo.get(e);
  if (known?.problemsKey === problemsKey) return known.fingerprint;
  const fingerprint = computeFingerprint(e, problems);
  memo.set(e, { problemsKey, fingerprint });
  return fingerprint;
}

const memo = new WeakMap<ParsedElection, { problemsKey: string; fingerprint: string }>();

function computeFingerprint(e: ParsedElection, problems: readonly ElectionProblem[]): string {
  const document = [
    FINGERPRINT_VERSION,
    e.key, e.path, e.name, e.organization,
    e.start.toISOString(), e.end.toISOString(), e.exceptionDue.toISOString(),
    e.noWinners, e.allowNoOpinion, e.deleteAfter, e.method,
    e.showCandidateFields, e.officers, e.eligibility, e.exceptionDescription, e.description, e.results,
    e.candidates.map((c) => [c.id, c.name, c.file, Object.entries(c.info).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), c.bio]),
    storedVoters(e.voters),
    problems.map((p) => [p.path, p.line ?? null, p.level, p.message]),
  ];
  return createHash('sha256').update(JSON.stringify(document)).digest('hex');
}

/**
 * The eligible voters as the repository stores them: one row per case-insensitive login, with
 * the last spelling listed, sorted by login.
 */
export function storedVoters(voters: readonly string[]): Array<[string, string]> {
  const byLogin = new Map<string, string>();
  for (const login of voters) {
    const lower = normaliseLogin(login);
    if (lower) byLogin.set(lower, login.trim());
  }
  return [...byLogin].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
