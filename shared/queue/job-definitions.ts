import { z } from 'zod';

// Every job Urna runs, with its queue, payload schema (ids only: BullMQ stores job data in
// clear, so never a passphrase or a ballot), deduplication key and retry policy.

export interface JobDefinition<P = unknown> {
  queue: string;
  payload: z.ZodType<P>;
  /** Jobs with the same key are deduplicated: at most one running plus one waiting. */
  dedupKey: (payload: P) => string;
  attempts: number;
  /** First retry delay; each further retry doubles it. */
  backoffMs: number;
}

export type JobDefinitions = Record<string, JobDefinition<any>>;

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

export const SYNC_TRIGGERS = ['webhook', 'schedule', 'officer', 'startup', 'cli'] as const;

export const urnaJobs = {
  'sync-meta': defineJob({
    queue: 'git-sync',
    payload: z.object({ trigger: z.enum(SYNC_TRIGGERS) }).strict(),
    // One repository, one sync at a time, whatever triggered it.
    dedupKey: () => 'sync-meta',
    attempts: 3,
    backoffMs: 5_000,
  }),
  'tally-election': defineJob({
    queue: 'tally',
    payload: z.object({ tallyRunId: z.string().min(1).max(64) }).strict(),
    dedupKey: (p) => `tally-${p.tallyRunId}`,
    attempts: 3,
    backoffMs: 5_000,
  }),
} satisfies JobDefinitions;

export type UrnaJobs = typeof urnaJobs;
export type JobName<D extends JobDefinitions> = Extract<keyof D, string>;
export type PayloadOf<D extends JobDefinitions, N extends keyof D> = D[N] extends JobDefinition<infer P> ? P : never;

/** The queues a set of job definitions uses, each with its job names. */
export function queuesOf(definitions: JobDefinitions): Map<string, string[]> {
  const queues = new Map<string, string[]>();
  for (const [name, def] of Object.entries(definitions)) queues.set(def.queue, [...(queues.get(def.queue) ?? []), name]);
  return queues;
}
