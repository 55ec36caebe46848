import type { JobDefinitions, JobName, PayloadOf } from './job-definitions.js';
import type { ProcessorRegistry } from './processor.js';

export interface EnqueueResult {
  jobId: string;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** The contract both adapters honour (in-process for the embedded default, BullMQ on Redis). */
export interface JobQueue<D extends JobDefinitions> {
  readonly kind: 'in-process' | 'bullmq';
  /** Validates the payload, then adds the job, deduplicated by its definition's key. Throws when the queue is unreachable. */
  enqueue<N extends JobName<D>>(name: N, payload: PayloadOf<D, N>): Promise<EnqueueResult>;
  /** Starts consuming the given queues; every job on them must have its processor. */
  startWorkers(registry: ProcessorRegistry<D>, queues: string[]): Promise<void>;
  /** Stops taking jobs and waits for active ones (up to the timeout; BullMQ then lets them stall back to the queue). */
  stopWorkers(timeoutMs: number): Promise<void>;
  counts(queue: string): Promise<QueueCounts>;
  /** Throws when the backing store does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function validatePayload<D extends JobDefinitions>(definitions: D, name: string, payload: unknown): unknown {
  const definition = definitions[name];
  if (!definition) throw new Error(`no job named "${name}" is defined`);
  return definition.payload.parse(payload);
}
