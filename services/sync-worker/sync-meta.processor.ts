import { requireOpeningKeys, type Kernel } from '../../shared/kernel/kernel.js';
import type { Processor } from '../../shared/queue/processor.js';
import { createGitMetaSource } from './git-meta-source.js';
import { createMetaSync } from './meta-sync.js';
import { ParsePool } from './parse-pool.js';

/** The queue adapter of `sync-meta`: one MetaSync per process, so its parse cache survives between jobs. */
export function syncMetaProcessor(kernel: Kernel): Processor<{ trigger: string }> {
  const ballotKeys = requireOpeningKeys(kernel);
  const parsePool = new ParsePool(undefined, (err) => kernel.logger.warn({ err }, 'parse workers unavailable; parsing in the main thread'));
  kernel.shutdown.add('queues', 'parse workers', () => parsePool.close());
  const sync = createMetaSync({
    parsePool,
    repos: kernel.repos,
    source: createGitMetaSource(kernel.config.meta),
    now: () => kernel.now(),
    logger: kernel.logger,
    concurrency: kernel.config.database.client === 'better-sqlite3' ? 1 : 4,
  });
  return {
    async process({ trigger }) {
      const outcome = await sync.run(trigger);
      // New elections get their ballot keys now, before any voter needs them.
      await ballotKeys.ensureAll();
      // Some elections could not be saved: fail the attempt so the queue retries them.
      if (outcome.status === 'failed') throw new Error(outcome.error ?? 'meta sync incomplete');
    },
    async onFinalFailure({ trigger }, error, context) {
      const runId = await kernel.repos.syncRuns.start(trigger, kernel.now());
      await kernel.repos.syncRuns.finish(runId, { status: 'failed', error: `gave up after ${context.attempt} attempts: ${error.message}` }, kernel.now());
    },
  };
}
