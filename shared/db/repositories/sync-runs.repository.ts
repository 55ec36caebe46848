import type { Knex } from 'knex';
import { fromJson, toDate, toDateOrNull, toJson } from '../dialect.js';
import { newId } from '../ids.js';

export type SyncRunStatus = 'running' | 'done' | 'skipped' | 'failed';

export interface SyncProblem {
  path: string;
  line?: number;
  level: 'error' | 'warning';
  message: string;
  electionKey?: string;
}

export interface SyncRun {
  id: string;
  trigger: string;
  status: SyncRunStatus;
  metaCommit: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, number>;
  problems: SyncProblem[];
  error: string | null;
}

function toRun(row: Record<string, unknown>): SyncRun {
  return {
    id: String(row.id),
    trigger: String(row.trigger),
    status: row.status as SyncRunStatus,
    metaCommit: (row.meta_commit as string | null) ?? null,
    startedAt: toDate(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    counts: toJson(row.counts, {}),
    problems: toJson(row.problems, []),
    error: (row.error as string | null) ?? null,
  };
}

/**
 * A run still `running` after this long was interrupted: its worker was killed or lost its
 * database before it could finish the row. A sync takes seconds, so this is far beyond any real
 * run; it must still leave alone a run in progress elsewhere (`urna sync` may run while a worker does).
 */
export const INTERRUPTED_RUN_AFTER_MS = 30 * 60 * 1000;

export const INTERRUPTED_RUN_ERROR = 'interrupted: the worker stopped before this run finished';

export class SyncRunsRepository {
  constructor(private readonly db: Knex) {}

  /** Starts a run, first closing runs left `running` by a worker that stopped (see failInterrupted). */
  async start(trigger: string, now = new Date()): Promise<string> {
    await this.failInterrupted(now);
    const id = newId();
    await this.db('sync_runs').insert({ id, trigger, status: 'running', started_at: now, counts: '{}', problems: '[]' });
    return id;
  }

  async finish(id: string, outcome: { status: SyncRunStatus; metaCommit?: string | null; counts?: Record<string, number>; problems?: SyncProblem[]; error?: string | null }, now = new Date()): Promise<void> {
    await this.db('sync_runs').where({ id }).update({
      status: outcome.status,
      meta_commit: outcome.metaCommit ?? null,
      counts: fromJson(outcome.counts ?? {}),
      problems: fromJson(outcome.problems ?? []),
      error: outcome.error ?? null,
      finished_at: now,
    });
  }

  /**
   * Marks as failed the runs still `running` that started more than INTERRUPTED_RUN_AFTER_MS
   * before `now`, so the console stops showing them as in progress. Done when a run starts,
   * because a worker that comes back after being killed starts one first. `finished_at` is when
   * this was noticed: when the worker stopped is not known. Returns how many runs were closed.
   */
  async failInterrupted(now = new Date()): Promise<number> {
    return this.db('sync_runs')
      .where({ status: 'running' })
      .andWhere('started_at', '<', new Date(now.getTime() - INTERRUPTED_RUN_AFTER_MS))
      .update({ status: 'failed', error: INTERRUPTED_RUN_ERROR, finished_at: now });
  }

  async latest(): Promise<SyncRun | null> {
    const row = await this.db('sync_runs').orderBy('started_at', 'desc').first();
    return row ? toRun(row) : null;
  }

  /** The newest run that actually read the repository (not skipped as unchanged). */
  async latestApplied(): Promise<SyncRun | null> {
    const row = await this.db('sync_runs').whereIn('status', ['done', 'failed']).orderBy('started_at', 'desc').first();
    return row ? toRun(row) : null;
  }

  async recent(limit = 20): Promise<SyncRun[]> {
    return (await this.db('sync_runs').orderBy('started_at', 'desc').limit(limit)).map(toRun);
  }
}
