import type { Kernel, ServicePlugin } from '../../shared/kernel/kernel.js';
import { tallyElectionProcessor } from './tally-election.processor.js';

/** Counts closed elections on an officer's request and stores the result once. */
export const tallyWorkerService: ServicePlugin = {
  name: 'tally-worker',
  async start(kernel: Kernel) {
    kernel.processors.register('tally-election', tallyElectionProcessor(kernel));
    // A crash or a lost in-process queue can leave runs queued or running: enqueue them again.
    // The processor stores one result per run, so a run that did finish is not counted twice.
    for (const run of await kernel.repos.tallyRuns.unfinished()) {
      await kernel.queue.enqueue('tally-election', { tallyRunId: run.id }).catch((err: unknown) =>
        kernel.logger.warn({ err, tallyRunId: run.id }, 'could not re-enqueue an unfinished tally'));
    }
  },
};
