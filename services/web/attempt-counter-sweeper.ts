import type { Kernel } from '../../shared/kernel/kernel.js';

/**
 * Deletes attempt counters that have expired (ended windows, forgotten failure runs), so the
 * table holds only what still limits someone. Readers already ignore expired rows; this only keeps
 * the table small. Every web process sweeps; a sweep that finds nothing costs one indexed delete.
 */
export function sweepAttemptCounters(kernel: Kernel, intervalMs = 10 * 60_000): void {
  const timer = setInterval(() => {
    kernel.repos.attemptCounters.deleteExpired(kernel.now().getTime())
      .catch((err: unknown) => kernel.logger.warn({ err }, 'attempt counter sweep failed'));
  }, intervalMs);
  timer.unref();
  kernel.shutdown.add('intake', 'attempt counter sweeper', async () => clearInterval(timer));
}
