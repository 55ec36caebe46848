import type { Logger } from '../logging/logger.js';
import type { JobDefinitions, JobName, PayloadOf } from './job-definitions.js';
import { validatePayload, type EnqueueResult, type JobQueue, type QueueCounts } from './job-queue.js';
import { runAttempt, type ProcessorRegistry } from './processor.js';

interface PendingJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  dedupKey: string;
  runAt: number;
}

/**
 * The embedded default's queue: the same processors, run in this process, one job at a time per
 * queue, with the same deduplication and retry rules as the BullMQ adapter. Jobs live in memory:
 * what matters survives a restart elsewhere (the startup sync; tally runs recovered from SQL).
 */
export class InProcessQueue<D extends JobDefinitions> implements JobQueue<D> {
  readonly kind = 'in-process' as const;
  private readonly pending = new Map<string, PendingJob[]>();
  private readonly active = new Map<string, PendingJob>();
  private readonly stats = new Map<string, { completed: number; failed: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private registry: ProcessorRegistry<D> | null = null;
  private consumed = new Set<string>();
  private idle = new Map<string, Promise<void>>();
  private nextId = 1;
  private stopping = false;

  constructor(private readonly definitions: D, private readonly logger: Logger) {}

  async enqueue<N extends JobName<D>>(name: N, payload: PayloadOf<D, N>): Promise<EnqueueResult> {
    const valid = validatePayload(this.definitions, name, payload);
    const def = this.definitions[name];
    const dedupKey = def.dedupKey(valid);
    const queue = this.queue(def.queue);
    // At most one waiting (or retry-delayed) job per key: a later request while one waits is the
    // same request. While one runs, one more may wait, so a change during a sync is not missed.
    const waiting = queue.find((j) => j.dedupKey === dedupKey);
    if (waiting) return { jobId: waiting.id };
    const job: PendingJob = { id: String(this.nextId++), name, payload: valid, attempt: 1, dedupKey, runAt: 0 };
    queue.push(job);
    this.kick(def.queue);
    return { jobId: job.id };
  }

  async startWorkers(registry: ProcessorRegistry<D>, queues: string[]): Promise<void> {
    registry.assertComplete(queues);
    this.registry = registry;
    this.consumed = new Set(queues);
    for (const q of queues) this.kick(q);
  }

  async stopWorkers(timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const running = [...this.idle.values()];
    await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    const dropped = [...this.pending.values()].reduce((n, q) => n + q.length, 0);
    if (dropped) this.logger.info({ dropped }, 'in-process queue stopped with jobs waiting; they are recreated at next start');
  }

  async counts(queue: string): Promise<QueueCounts> {
    const q = this.queue(queue);
    const now = Date.now();
    const s = this.stats.get(queue) ?? { completed: 0, failed: 0 };
    return {
      waiting: q.filter((j) => j.runAt <= now).length,
      delayed: q.filter((j) => j.runAt > now).length,
      active: this.active.has(queue) ? 1 : 0,
      completed: s.completed,
      failed: s.failed,
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    if (!this.stopping) await this.stopWorkers(0);
  }

  private queue(name: string): PendingJob[] {
    let q = this.pending.get(name);
    if (!q) this.pending.set(name, (q = []));
    return q;
  }

  /** Starts the queue's loop unless it is already running. */
  private kick(queue: string): void {
    if (this.stopping || !this.registry || !this.consumed.has(queue) || this.idle.has(queue)) return;
    const loop = this.drain(queue).finally(() => this.idle.delete(queue));
    this.idle.set(queue, loop);
  }

  private async drain(queue: string): Promise<void> {
    const q = this.queue(queue);
    while (!this.stopping) {
      const now = Date.now();
      const index = q.findIndex((j) => j.runAt <= now);
      if (index < 0) return this.wakeForDelayed(queue);
      const [job] = q.splice(index, 1);
      this.active.set(queue, job);
      await this.run(queue, job);
      this.active.delete(queue);
    }
  }

  private async run(queue: string, job: PendingJob): Promise<void> {
    const def = this.definitions[job.name];
    const stats = this.stats.get(queue) ?? { completed: 0, failed: 0 };
    this.stats.set(queue, stats);
    try {
      await runAttempt(this.registry!, job.name, job.payload, {
        jobId: job.id, attempt: job.attempt, maxAttempts: def.attempts, logger: this.logger,
      });
      stats.completed++;
    } catch {
      if (job.attempt >= def.attempts) {
        stats.failed++;
        return;
      }
      const delay = def.backoffMs * 2 ** (job.attempt - 1);
      this.queue(queue).push({ ...job, attempt: job.attempt + 1, runAt: Date.now() + delay });
    }
  }

  /** Sets a timer for the earliest retry. (Timers may fire a little early, so this re-arms until one is due.) */
  private wakeForDelayed(queue: string): void {
    const next = Math.min(...this.queue(queue).map((j) => j.runAt));
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(() => { this.timers.delete(timer); this.kick(queue); }, Math.max(1, next - Date.now() + 1));
    this.timers.add(timer);
  }
}
