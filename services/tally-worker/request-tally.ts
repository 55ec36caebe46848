import type { ElectionsRepository } from '../../shared/db/repositories/elections.repository.js';
import type { TallyRun, TallyRunsRepository } from '../../shared/db/repositories/tally-runs.repository.js';
import { resolveMethod, TallyInputError, type TallyResult } from '../../shared/domain/condorcet/index.js';
import { electionStatus } from '../../shared/domain/election/election.js';
import type { Kernel } from '../../shared/kernel/kernel.js';
import type { Logger } from '../../shared/logging/logger.js';
import { transactionPort } from './tally-election.js';

export interface RequestTallyPorts {
  /** One transaction, so two officers clicking at once get one run. */
  transaction<T>(work: (tx: {
    elections: Pick<ElectionsRepository, 'lockForUpdate'>;
    tallyRuns: Pick<TallyRunsRepository, 'latestForElection' | 'create' | 'findById'>;
  }) => Promise<T>): Promise<T>;
  tallyRuns: Pick<TallyRunsRepository, 'fail'>;
  enqueue(payload: { tallyRunId: string }): Promise<unknown>;
  now(): Date;
  logger: Logger;
}

export type RequestTallyRefusal = 'not-found' | 'still-open' | 'bad-method' | 'queue-unavailable';

export type RequestTallyResult =
  | { ok: true; run: TallyRun<TallyResult>; created: boolean }
  | { ok: false; code: RequestTallyRefusal; message: string };

export function requestTallyPorts(kernel: Pick<Kernel, 'db' | 'repos' | 'queue' | 'now' | 'logger'>): RequestTallyPorts {
  return {
    transaction: transactionPort(kernel.db),
    tallyRuns: kernel.repos.tallyRuns,
    enqueue: (payload) => kernel.queue.enqueue('tally-election', payload),
    now: kernel.now,
    logger: kernel.logger,
  };
}

/**
 * An officer asks for the result. Refused before the close; while a run is queued or running,
 * or once one is done, that run is the answer (the ballots of a closed election do not change).
 * Otherwise a new run is queued; callers check that the user is an officer of this election.
 */
export async function requestTally(ports: RequestTallyPorts, electionId: string, userId: string | null): Promise<RequestTallyResult> {
  const now = ports.now();
  const decided = await ports.transaction(async (tx): Promise<RequestTallyResult> => {
    const election = await tx.elections.lockForUpdate(electionId);
    if (!election) return { ok: false, code: 'not-found', message: 'There is no such election.' };
    if (electionStatus(election, now) !== 'closed') {
      return { ok: false, code: 'still-open', message: `Voting is still open until ${election.endAt.toISOString()}; results can be computed after the close.` };
    }
    const latest = await tx.tallyRuns.latestForElection<TallyResult>(electionId);
    if (latest && latest.status !== 'failed') return { ok: true, run: latest, created: false };
    let method: string;
    try {
      method = resolveMethod(election.method ?? undefined);
    } catch (err) {
      if (!(err instanceof TallyInputError)) throw err;
      return { ok: false, code: 'bad-method', message: `election.yaml names a method Urna does not know: ${err.message}` };
    }
    const id = await tx.tallyRuns.create(electionId, method, userId, now);
    return { ok: true, run: (await tx.tallyRuns.findById<TallyResult>(id))!, created: true };
  });
  if (!decided.ok || decided.run.status !== 'queued') return decided;

  // Enqueued after the commit, so the worker always finds the run. A queued run is enqueued again
  // on a repeated request: its job may have been lost (deduplication keeps it to one).
  try {
    await ports.enqueue({ tallyRunId: decided.run.id });
  } catch (err) {
    if (!decided.created) return decided;
    ports.logger.warn({ err, tallyRunId: decided.run.id }, 'could not enqueue a tally');
    const message = 'The job queue is not reachable, so the results cannot be computed now. Please try again in a few minutes.';
    await ports.tallyRuns.fail(decided.run.id, message, ports.now());
    return { ok: false, code: 'queue-unavailable', message };
  }
  return decided;
}
