// The pure core of a sync: from a parse of the repository and the fingerprints stored in SQL,
// decide what happens to each election. No IO; the orchestration applies the plan.
import type { ElectionVersion } from '../../shared/db/repositories/elections.repository.js';
import type { SyncProblem } from '../../shared/db/repositories/sync-runs.repository.js';
import { electionKeyOf, sortProblems, type MetaParseResult, type MetaProblem, type ParsedElection } from '../../shared/domain/meta/index.js';
import { electionFingerprint, type ElectionProblem } from './election-fingerprint.js';

export interface StoredElection {
  fingerprint: string;
  broken: boolean;
  archived: boolean;
}

export type SyncAction =
  | { kind: 'create'; version: ElectionVersion }
  /** `restore`: the stored election was broken or archived and is whole again. */
  | { kind: 'update'; version: ElectionVersion; restore: boolean }
  | { kind: 'unchanged'; key: string }
  /** The files are unusable: keep the last good version (when there is one), flagged with these problems. */
  | { kind: 'broken'; key: string; problems: ElectionProblem[]; stored: boolean }
  /** The directory is gone: hide the election, keep it and its ballots. */
  | { kind: 'archive'; key: string };

export interface SyncPlan {
  actions: SyncAction[];
  /** Every problem of the run; those inside an election's directory carry its key. */
  problems: SyncProblem[];
}

export function planSync(parse: MetaParseResult, stored: ReadonlyMap<string, StoredElection>, commit: string): SyncPlan {
  const problems = attributeProblems(parse.problems, [...parse.elections, ...parse.brokenElections]);
  const present = new Set([...parse.elections, ...parse.brokenElections].map((e) => e.key));
  return { actions: [...planElections(parse, problems, stored, commit), ...planArchives(present, stored)], problems };
}

/**
 * The actions for some parsed elections (all of them, or one chunk). `problems` may hold other
 * elections' problems too; each election takes those with its key.
 */
export function planElections(
  parse: Pick<MetaParseResult, 'elections' | 'brokenElections'>,
  problems: readonly SyncProblem[],
  stored: ReadonlyMap<string, StoredElection>,
  commit: string,
): SyncAction[] {
  const byKey = new Map<string, SyncProblem[]>();
  for (const p of problems) if (p.electionKey !== undefined) byKey.set(p.electionKey, [...(byKey.get(p.electionKey) ?? []), p]);
  // A canonical order, so the fingerprint does not depend on how the problems were gathered.
  const own = (key: string): ElectionProblem[] => (sortProblems(byKey.get(key) ?? []) as SyncProblem[]).map(withoutKey);
  const actions: SyncAction[] = [];
  const seen = new Set<string>();
  for (const election of parse.elections) {
    seen.add(election.key);
    const version = toElectionVersion(election, own(election.key), commit);
    const before = stored.get(election.key);
    if (!before) actions.push({ kind: 'create', version });
    else if (before.broken || before.archived) actions.push({ kind: 'update', version, restore: true });
    else if (before.fingerprint !== version.fingerprint) actions.push({ kind: 'update', version, restore: false });
    else actions.push({ kind: 'unchanged', key: election.key });
  }
  for (const broken of parse.brokenElections) {
    if (seen.has(broken.key)) continue;
    seen.add(broken.key);
    actions.push({ kind: 'broken', key: broken.key, problems: own(broken.key), stored: stored.has(broken.key) });
  }
  return actions;
}

/** Stored elections whose directory is gone are archived (once). */
export function planArchives(present: ReadonlySet<string>, stored: ReadonlyMap<string, StoredElection>): SyncAction[] {
  return [...stored].filter(([key, before]) => !present.has(key) && !before.archived).map(([key]) => ({ kind: 'archive', key }));
}

export function toElectionVersion(e: ParsedElection, problems: ElectionProblem[], commit: string): ElectionVersion {
  return {
    key: e.key,
    path: e.path,
    name: e.name,
    organization: e.organization,
    startAt: e.start,
    endAt: e.end,
    exceptionDueAt: e.exceptionDue,
    noWinners: e.noWinners,
    allowNoOpinion: e.allowNoOpinion,
    deleteAfter: e.deleteAfter,
    method: e.method,
    showCandidateFields: e.showCandidateFields,
    officers: e.officers,
    eligibility: e.eligibility,
    exceptionDescription: e.exceptionDescription,
    description: e.description,
    results: e.results,
    fingerprint: electionFingerprint(e, problems),
    metaCommit: commit,
    problems,
    candidates: e.candidates.map((c) => ({ key: c.id, name: c.name, file: c.file, info: c.info, bio: c.bio })),
    voters: e.voters,
  };
}

/**
 * Gives every problem inside an election's directory that election's key, so its officers see
 * it: the parser tags most; this catches the rest (a clashing directory with the same key, a
 * file the reader could not hand over).
 */
export function attributeProblems(problems: readonly MetaProblem[], elections: ReadonlyArray<{ key: string; path: string }>): SyncProblem[] {
  const byDepth = [...elections].sort((a, b) => b.path.length - a.path.length);
  const keys = new Set(elections.map((e) => e.key));
  return problems.map((p) => {
    if (p.electionKey !== undefined) return { ...p };
    const owner = byDepth.find((e) => p.path === e.path || p.path.startsWith(`${e.path}/`));
    const slash = p.path.lastIndexOf('/');
    const dirKey = slash > 0 ? electionKeyOf(p.path.slice(0, slash)) : undefined;
    const electionKey = owner?.key ?? (dirKey !== undefined && keys.has(dirKey) ? dirKey : undefined);
    return electionKey === undefined ? { ...p } : { ...p, electionKey };
  });
}

function withoutKey(p: SyncProblem): ElectionProblem {
  const { electionKey: _key, ...rest } = p;
  return rest;
}
