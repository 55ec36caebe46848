import { requireOpeningKeys, type Kernel } from '../../shared/kernel/kernel.js';
import type { Processor } from '../../shared/queue/processor.js';
import { tallyElection, transactionPort, type TallyElectionPorts } from './tally-election.js';

/** Test hooks only (fault injection); production passes none. */
export type TallyProcessorHooks = Pick<TallyElectionPorts, 'beforeStore'>;

/** The queue adapter for `tally-election`: payload → orchestration, final failure → the run says so. */
export function tallyElectionProcessor(
  kernel: Pick<Kernel, 'db' | 'repos' | 'now' | 'ballotKeys'>,
  hooks: TallyProcessorHooks = {},
): Processor<{ tallyRunId: string }> {
  return {
    async process({ tallyRunId }, context) {
      await tallyElection({
        tallyRuns: kernel.repos.tallyRuns,
        transaction: transactionPort(kernel.db),
        keyring: requireOpeningKeys(kernel).keyring,
        now: kernel.now,
        logger: context.logger,
        ...hooks,
      }, tallyRunId);
    },
    async onFinalFailure({ tallyRunId }, error) {
      await kernel.repos.tallyRuns.fail(tallyRunId, error.message, kernel.now());
    },
  };
}
