import type { Kernel, ServicePlugin } from '../../shared/kernel/kernel.js';
import { syncMetaProcessor } from './sync-meta.processor.js';

/** Reconciles the meta repository into SQL: on request (webhook, officer, CLI) and on a schedule. */
export const syncWorkerService: ServicePlugin = {
  name: 'sync-worker',
  async start(kernel: Kernel) {
    kernel.processors.register('sync-meta', syncMetaProcessor(kernel));
    const enqueue = (trigger: 'startup' | 'schedule') =>
      kernel.queue.enqueue('sync-meta', { trigger }).catch((err: unknown) =>
        kernel.logger.warn({ err, trigger }, 'could not enqueue a sync; the next schedule retries'));
    // The safety net behind webhooks: several sync workers may all schedule; deduplication keeps it to one.
    const timer = setInterval(() => void enqueue('schedule'), kernel.config.meta.syncIntervalSeconds * 1000);
    timer.unref();
    kernel.shutdown.add('intake', 'sync schedule', async () => clearInterval(timer));
    void enqueue('startup');
  },
};
