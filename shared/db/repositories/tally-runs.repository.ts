import type { Knex } from 'knex';
import { fromJson, toDate, toDateOrNull, toJson } from '../dialect.js';
import { newId } from '../ids.js';

export type TallyRunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface TallyRun<Result = unknown> {
  id: string;
  electionId: string;
  status: TallyRunStatus;
  method: string;
  requestedBy: string | null;
  result: Result | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

function toRun<R>(row: Record<string, unknown>): TallyRun<R> {
  return {
    id: String(row.id),
    electionId: String(row.election_id),
    status: row.status as TallyRunStatus,
    method: String(row.method),
    requestedBy: (row.requested_by as string | null) ?? null,
    result: toJson<R | null>(row.result, null),
    error: (row.error as string | null) ?? null,
    attempts: Number(row.attempts),
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

export class TallyRunsRepository {
  constructor(private readonly db: Knex) {}

  async create(electionId: string, method: string, requestedBy: string | null, now = new Date()): Promise<string> {
    const id = newId();
    await this.db('tally_runs').insert({ id, election_id: electionId, status: 'queued', method, requested_by: requestedBy, attempts: 0, created_at: now });
    return id;
  }

  async findById<R = unknown>(id: string): Promise<TallyRun<R> | null> {
    const row = await this.db('tally_runs').where({ id }).first();
    return row ? toRun<R>(row) : null;
  }

  async latestForElection<R = unknown>(electionId: string): Promise<TallyRun<R> | null> {
    const row = await this.db('tally_runs').where({ election_id: electionId }).orderBy('created_at', 'desc').first();
    return row ? toRun<R>(row) : null;
  }

  /** The stored result of the election's completed tally, if any. */
  async latestDone<R = unknown>(electionId: string): Promise<TallyRun<R> | null> {
    const row = await this.db('tally_runs').where({ election_id: electionId, status: 'done' }).orderBy('finished_at', 'desc').first();
    return row ? toRun<R>(row) : null;
  }

  /** Runs left queued or running by a crash; the tally worker re-enqueues them at start. */
  async unfinished(): Promise<TallyRun[]> {
    return (await this.db('tally_runs').whereIn('status', ['queued', 'running']).orderBy('created_at')).map((r) => toRun(r));
  }

  async markRunning(id: string, now = new Date()): Promise<void> {
    await this.db('tally_runs').where({ id }).update({ status: 'running', started_at: now, attempts: this.db.raw('attempts + 1') });
  }

  /** Stores the result once: a second completion of the same run (a retried job) changes nothing. */
  async complete(id: string, result: unknown, now = new Date(), db: Knex = this.db): Promise<boolean> {
    const n = await db('tally_runs').where({ id }).whereNot({ status: 'done' }).update({ status: 'done', result: fromJson(result), error: null, finished_at: now });
    return n === 1;
  }

  async fail(id: string, error: string, now = new Date()): Promise<void> {
    await this.db('tally_runs').where({ id }).whereNot({ status: 'done' }).update({ status: 'failed', error, finished_at: now });
  }
}
