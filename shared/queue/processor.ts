import type { Logger } from '../logging/logger.js';
import type { JobDefinitions, JobName, PayloadOf } from './job-definitions.js';

export interface JobContext {
  jobId: string;
  /** 1 for the first run, 2 for the first retry... */
  attempt: number;
  maxAttempts: number;
  logger: Logger;
}

export interface Processor<P> {
  process(payload: P, context: JobContext): Promise<void>;
  /** Called once, after the last attempt failed, to record the failure where people will see it. */
  onFinalFailure?(payload: P, error: Error, context: JobContext): Promise<void>;
}

/** Each job name has exactly one processor: registering twice, or a name nobody defined, is a startup error. */
export class ProcessorRegistry<D extends JobDefinitions> {
  private readonly processors = new Map<string, Processor<any>>();

  constructor(readonly definitions: D) {}

  register<N extends JobName<D>>(name: N, processor: Processor<PayloadOf<D, N>>): void {
    if (!(name in this.definitions)) throw new Error(`no job named "${name}" is defined`);
    if (this.processors.has(name)) throw new Error(`job "${name}" already has a processor`);
    this.processors.set(name, processor);
  }

  get(name: string): Processor<unknown> {
    const p = this.processors.get(name);
    if (!p) throw new Error(`job "${name}" has no processor`);
    return p;
  }

  /** Every job on the queues this process consumes must have its processor before workers start. */
  assertComplete(queues: string[]): void {
    const missing = Object.entries(this.definitions)
      .filter(([name, def]) => queues.includes(def.queue) && !this.processors.has(name))
      .map(([name]) => name);
    if (missing.length) throw new Error(`jobs without a processor: ${missing.join(', ')}`);
  }

  queuesWithProcessors(): string[] {
    return [...new Set([...this.processors.keys()].map((name) => this.definitions[name].queue))];
  }
}

/**
 * Runs one attempt of a job: validates the payload again (a consumer never trusts the queue),
 * and records the failure once the last attempt has failed. Shared by both queue adapters.
 */
export async function runAttempt(
  registry: ProcessorRegistry<JobDefinitions>,
  name: string,
  data: unknown,
  context: JobContext,
): Promise<void> {
  const definition = registry.definitions[name];
  const processor = registry.get(name);
  const payload = definition.payload.parse(data);
  try {
    await processor.process(payload, context);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const final = context.attempt >= context.maxAttempts;
    context.logger.warn({ job: name, jobId: context.jobId, attempt: context.attempt, final, err: error }, 'job attempt failed');
    if (final && processor.onFinalFailure) {
      await processor.onFinalFailure(payload, error, context).catch((e: unknown) =>
        context.logger.error({ job: name, err: e }, 'recording a job failure failed'));
    }
    throw error;
  }
}
