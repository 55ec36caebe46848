import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { BullmqQueue } from '../../../shared/queue/bullmq-queue.js';
import { InProcessQueue } from '../../../shared/queue/in-process-queue.js';
import { defineJob } from '../../../shared/queue/job-definitions.js';
import type { JobQueue } from '../../../shared/queue/job-queue.js';
import { ProcessorRegistry } from '../../../shared/queue/processor.js';
import { silentLogger } from '../../support/silent-logger.js';
import { sleep, waitFor } from '../../support/wait-for.js';

// The same contract, run against the in-process adapter and against BullMQ on a real Redis.

const definitions = {
  work: defineJob({ queue: 'contract', payload: z.object({ id: z.string() }).strict(), dedupKey: (p) => p.id, attempts: 3, backoffMs: 40 }),
  fragile: defineJob({ queue: 'contract', payload: z.object({ id: z.string() }).strict(), dedupKey: (p) => p.id, attempts: 2, backoffMs: 40 }),
};
type Defs = typeof definitions;

const redisUrl = inject('services').redis;
const adapters: Array<{ name: string; available: boolean; make: () => JobQueue<Defs> }> = [
  { name: 'in-process', available: true, make: () => new InProcessQueue(definitions, silentLogger) },
  {
    name: 'bullmq (Redis)',
    available: Boolean(redisUrl),
    make: () => new BullmqQueue(definitions, silentLogger, { redisUrl: redisUrl!, prefix: `urna-test-${randomBytes(4).toString('hex')}` }),
  },
];

for (const adapter of adapters) {
  describe.skipIf(!adapter.available)(`queue contract: ${adapter.name}`, () => {
    let queue: JobQueue<Defs> | undefined;
    afterEach(async () => {
      if (queue instanceof BullmqQueue) await queue.obliterate().catch(() => {});
      await queue?.close();
      queue = undefined;
    });

    function setup(work: (id: string, attempt: number) => Promise<void>, onFinalFailure?: (id: string, err: Error) => void) {
      queue = adapter.make();
      const registry = new ProcessorRegistry(definitions);
      registry.register('work', { process: async (p, ctx) => work(p.id, ctx.attempt) });
      registry.register('fragile', {
        process: async (p, ctx) => work(p.id, ctx.attempt),
        onFinalFailure: async (p, err) => onFinalFailure?.(p.id, err),
      });
      return { queue, registry };
    }

    it('runs a job once', async () => {
      const runs: string[] = [];
      const { queue, registry } = setup(async (id) => void runs.push(id));
      await queue.startWorkers(registry, ['contract']);
      await queue.enqueue('work', { id: 'a' });
      await waitFor(() => runs.length === 1);
      await sleep(300);
      expect(runs).toEqual(['a']);
      expect((await queue.counts('contract')).completed).toBe(1);
    });

    it('turns a burst of 50 requests into at most one running and one waiting', async () => {
      let running = 0;
      let maxRunning = 0;
      let runs = 0;
      const { queue, registry } = setup(async () => {
        running++; runs++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(300);
        running--;
      });
      await queue.startWorkers(registry, ['contract']);
      await queue.enqueue('work', { id: 'sync' });
      await waitFor(() => runs === 1); // the first is running now
      await Promise.all(Array.from({ length: 50 }, () => queue.enqueue('work', { id: 'sync' })));
      const counts = await queue.counts('contract');
      expect(counts.active + counts.waiting + counts.delayed).toBeLessThanOrEqual(2);
      await waitFor(async () => (await queue.counts('contract')).completed === 2, 10_000);
      await sleep(500);
      expect(runs).toBe(2);
      expect(maxRunning).toBe(1);
    });

    it('retries with backoff until an attempt succeeds', async () => {
      const attempts: number[] = [];
      const started = Date.now();
      const { queue, registry } = setup(async (_id, attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`flaky ${attempt}`);
      });
      await queue.startWorkers(registry, ['contract']);
      await queue.enqueue('work', { id: 'r' });
      await waitFor(() => attempts.length === 3);
      expect(attempts).toEqual([1, 2, 3]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(40 + 80 - 10); // 40 ms, then 80 ms
      await waitFor(async () => (await queue.counts('contract')).completed === 1);
      expect((await queue.counts('contract')).failed).toBe(0);
    });

    it('records a failure once, after the last attempt', async () => {
      const failures: string[] = [];
      let attempts = 0;
      const { queue, registry } = setup(async () => { attempts++; throw new Error('always'); }, (id, err) => failures.push(`${id}:${err.message}`));
      await queue.startWorkers(registry, ['contract']);
      await queue.enqueue('fragile', { id: 'f' });
      await waitFor(async () => (await queue.counts('contract')).failed === 1);
      await sleep(200);
      expect(attempts).toBe(2);
      expect(failures).toEqual(['f:always']);
    });

    it('rejects an invalid payload before it reaches the queue', async () => {
      const { queue } = setup(async () => {});
      await expect(queue.enqueue('work', { id: 42 } as never)).rejects.toThrow();
      await expect(queue.enqueue('work', { id: 'x', passphrase: 'leak' } as never)).rejects.toThrow();
    });

    it('refuses to start workers for a job without a processor', async () => {
      queue = adapter.make();
      const registry = new ProcessorRegistry(definitions);
      registry.register('work', { process: async () => {} });
      expect(() => registry.register('work', { process: async () => {} })).toThrow(/already has a processor/);
      await expect(queue.startWorkers(registry, ['contract'])).rejects.toThrow(/fragile/);
    });
  });
}
