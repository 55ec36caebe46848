import { isRetryableConflict } from '../../shared/db/dialect.js';
import type { ElectionVersion } from '../../shared/db/repositories/elections.repository.js';
import { createRepositories, type Repositories } from '../../shared/db/repositories/index.js';
import { sortProblems } from '../../shared/domain/meta/index.js';
import type { SyncProblem } from '../../shared/db/repositories/sync-runs.repository.js';
import type { SyncAction, SyncPlan } from './sync-plan.js';

export type SyncCounts = {
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  broken: number;
  restored: number;
  /** Elections whose write failed (the run is then marked failed and retried). */
  failed: number;
};

export function emptyCounts(): SyncCounts {
  return { created: 0, updated: 0, unchanged: 0, archived: 0, broken: 0, restored: 0, failed: 0 };
}

interface ApplyPorts {
  repos: Pick<Repositories, 'db' | 'elections' | 'votes'>;
  now: () => Date;
  concurrency: number;
}

export interface AppliedPlan {
  counts: SyncCounts;
  /** The plan's problems plus those found while applying (refused candidate changes, failed writes). */
  problems: SyncProblem[];
  failed: string[];
}

/** Applies a whole plan; see SyncApplier. */
export async function applySyncPlan(plan: SyncPlan, ports: ApplyPorts): Promise<AppliedPlan> {
  const applier = new SyncApplier(ports);
  applier.add(plan.actions);
  return applier.done(plan.problems);
}

/**
 * Applies actions as they are added, a few at a time, each election in its own transaction; one
 * failure does not stop the others. Actions may be added while earlier ones run (sync adds each
 * parsed chunk at once, so writing overlaps parsing).
 */
export class SyncApplier {
  private readonly counts = emptyCounts();
  private readonly problems: SyncProblem[] = [];
  private readonly failed: string[] = [];
  private readonly queue: SyncAction[] = [];
  private running = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly ports: ApplyPorts) {}

  add(actions: readonly SyncAction[]): void {
    for (const action of actions) {
      if (action.kind === 'unchanged') this.counts.unchanged += 1;
      else this.queue.push(action);
    }
    this.pump();
  }

  /** Waits for every added action; `problems` are the plan's own, returned with those found here. */
  async done(problems: readonly SyncProblem[]): Promise<AppliedPlan> {
    if (this.running > 0 || this.queue.length > 0) await new Promise<void>((r) => this.waiters.push(r));
    return { counts: { ...this.counts }, problems: sortProblems([...problems, ...this.problems]) as SyncProblem[], failed: [...this.failed].sort() };
  }

  private pump(): void {
    while (this.running < Math.max(1, this.ports.concurrency) && this.queue.length > 0) {
      const action = this.queue.shift()!;
      this.running += 1;
      void this.run(action).finally(() => {
        this.running -= 1;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  private async run(action: SyncAction): Promise<void> {
    try {
      this.problems.push(...(await applyOne(action, this.ports)));
      this.counts[countOf(action)] += 1;
    } catch (err) {
      const version = action.kind === 'create' || action.kind === 'update' ? action.version : null;
      const key = version ? version.key : (action as { key: string }).key;
      this.failed.push(key);
      this.counts.failed += 1;
      this.problems.push({ path: version?.path ?? '', level: 'error', electionKey: key, message: `the election could not be saved: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
}

function countOf(action: SyncAction): keyof SyncCounts {
  if (action.kind === 'create') return 'created';
  if (action.kind === 'update') return action.restore ? 'restored' : 'updated';
  if (action.kind === 'archive') return 'archived';
  return action.kind;
}

/** Returns problems found while applying (a candidate change refused). */
async function applyOne(action: SyncAction, { repos, now }: ApplyPorts): Promise<SyncProblem[]> {
  const { db, elections } = repos;
  switch (action.kind) {
    case 'create':
      await retryConflicts(() => db.transaction((trx) => elections.saveVersion(trx, action.version, { now: now() })));
      return [];
    case 'update': {
      // The election row is held for update while ballots are counted and candidates replaced, so
      // no vote can slip in between (votes hold it shared and check their candidates under it).
      const refusal = await retryConflicts(() => db.transaction(async (trx) => {
        const tx = createRepositories(trx);
        const existing = await tx.elections.findByKey(action.version.key);
        if (existing) await tx.elections.lockForUpdate(existing.id);
        const found = existing ? await candidateChangeRefusal(action.version, existing.id, tx) : null;
        const version = found ? { ...action.version, problems: [...action.version.problems, found] } : action.version;
        await tx.elections.saveVersion(trx, version, { keepCandidates: found !== null, now: now() });
        return found;
      }));
      return refusal ? [{ ...refusal, electionKey: action.version.key }] : [];
    }
    case 'broken':
      if (action.stored) await elections.markBroken(action.key, action.problems, now());
      return [];
    case 'archive':
      await elections.archive(action.key, now());
      return [];
    case 'unchanged':
      return [];
  }
}

/** Concurrent election writes can deadlock on MySQL's gap locks; the loser is rolled back whole and runs again. */
async function retryConflicts<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isRetryableConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

/**
 * Ballots name candidates by key: once an election has ballots, adding, removing or renaming a
 * candidate key would leave ballots that can no longer be counted, so the stored candidates stay
 * and the officers are told. Names, bios, info and order may still change.
 */
async function candidateChangeRefusal(version: ElectionVersion, electionId: string, repos: Pick<Repositories, 'elections' | 'votes'>): Promise<ElectionVersion['problems'][number] | null> {
  const ballots = await repos.votes.countBallots(electionId);
  if (ballots === 0) return null;
  const stored = new Set((await repos.elections.listCandidates(electionId)).map((c) => c.key));
  const wanted = new Set(version.candidates.map((c) => c.key));
  const added = [...wanted].filter((k) => !stored.has(k));
  const removed = [...stored].filter((k) => !wanted.has(k));
  if (added.length === 0 && removed.length === 0) return null;
  const change = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
  return {
    path: version.path,
    level: 'error',
    message: `the candidate list changed after ${ballots} ballot(s) were cast (${change}); the change is not applied, ` +
      'because cast ballots could no longer be counted. Restore the candidate files; the other changes were applied.',
  };
}
