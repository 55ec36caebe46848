import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '../logging/logger.js';
import type { JobDefinitions, JobName, PayloadOf } from './job-definitions.js';
import { queuesOf } from './job-definitions.js';
import { validatePayload, type EnqueueResult, type JobQueue, type QueueCounts } from './job-queue.js';
import { runAttempt, type ProcessorRegistry } from './processor.js';
import { redisOptions } from './redis-options.js';

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Key prefix, so tests (and several installations) can share one Redis. */
  prefix?: string;
  concurrency?: Record<string, number>;
}

/**
 * A running job's lock in Redis, renewed by its worker every half of it; when a worker dies, its
 * job is handed to another after the lock runs out and the next stalled-job check (BullMQ's
 * defaults, 30 s each, made that about a minute). A worker's event loop never blocks for long: the
 * meta parse runs in worker threads, and counting a million ballots takes under a second.
 */
const JOB_LOCK_MS = 10_000;
const STALLED_CHECK_MS = 5_000;

/** BullMQ on Redis: producers in every process, workers where a service registered processors. */
export class BullmqQueue<D extends JobDefinitions> implements JobQueue<D> {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];

  constructor(private readonly definitions: D, private readonly logger: Logger, private readonly options: BullmqQueueOptions) {
    for (const name of queuesOf(definitions).keys()) {
      this.queues.set(name, new Queue(name, {
        // Producers fail fast while Redis is down (the webhook answers 503 so GitHub retries)
        // instead of buffering commands in memory.
        connection: redisOptions(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
        prefix: options.prefix ?? 'urna',
      }));
    }
    for (const q of this.queues.values()) q.on('error', (err) => this.logger.warn({ err: err.message, queue: q.name }, 'queue connection error'));
  }

  async enqueue<N extends JobName<D>>(name: N, payload: PayloadOf<D, N>): Promise<EnqueueResult> {
    const valid = validatePayload(this.definitions, name, payload);
    const def = this.definitions[name];
    const job = await this.queue(def.queue).add(name, valid, {
      // keepLastIfActive: one job runs, at most one more waits for it (BullMQ's guarantee).
      deduplication: { id: def.dedupKey(valid), keepLastIfActive: true },
      attempts: def.attempts,
      backoff: { type: 'exponential', delay: def.backoffMs },
      removeOnComplete: { count: 200 },
      removeOnFail: { count: 1000 },
    });
    return { jobId: String(job.id) };
  }

  async startWorkers(registry: ProcessorRegistry<D>, queues: string[]): Promise<void> {
    registry.assertComplete(queues);
    for (const name of queues) {
      const worker = new Worker(
        name,
        async (job: Job) => runAttempt(registry, job.name, job.data, {
          jobId: String(job.id),
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
          logger: this.logger,
        }),
        {
          connection: redisOptions(this.options.redisUrl, { maxRetriesPerRequest: null }),
          prefix: this.options.prefix ?? 'urna',
          concurrency: this.options.concurrency?.[name] ?? 1,
          lockDuration: JOB_LOCK_MS,
          stalledInterval: STALLED_CHECK_MS,
          maxStalledCount: 2,
        },
      );
      worker.on('error', (err) => this.logger.warn({ err: err.message, queue: name }, 'worker connection error'));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async stopWorkers(timeoutMs: number): Promise<void> {
    // close() waits for active jobs; past the timeout, force-close so the process can exit and the
    // job stalls back into the queue for another worker.
    await Promise.all(this.workers.map(async (w) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
      const outcome = await Promise.race([w.close().then(() => 'closed' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.logger.warn({ queue: w.name }, 'jobs still running at shutdown; they return to the queue');
        await w.close(true);
      }
    }));
    this.workers.length = 0;
  }

  async counts(queue: string): Promise<QueueCounts> {
    const c = await this.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  async ping(): Promise<void> {
    // A cheap read; with the offline queue disabled it fails at once while Redis is down.
    await this.queue(this.queues.keys().next().value!).getJobCounts('waiting');
  }

  async close(): Promise<void> {
    if (this.workers.length) await this.stopWorkers(0);
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** For tests: removes every job of every queue. */
  async obliterate(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.obliterate({ force: true })));
  }

  private queue(name: string): Queue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`unknown queue ${name}`);
    return q;
  }
}
