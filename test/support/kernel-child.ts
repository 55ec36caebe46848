// A real Urna process for shutdown tests: boots the kernel from the environment with one test
// plugin whose tally processor is slow and writes what it does to JOURNAL, then waits for signals.
import { appendFileSync } from 'node:fs';
import { loadConfig } from '../../shared/config/config.js';
import { bootKernel } from '../../shared/kernel/kernel.js';
import { createLogger } from '../../shared/logging/logger.js';

const journal = process.env.JOURNAL!;
const jobMs = Number(process.env.JOB_MS ?? 1500);
const config = loadConfig(process.env);
const kernel = await bootKernel(config, [{
  name: 'tally-worker',
  async start(k) {
    k.processors.register('tally-election', {
      async process(payload) {
        appendFileSync(journal, `started ${payload.tallyRunId}\n`);
        await new Promise((r) => setTimeout(r, jobMs));
        appendFileSync(journal, `finished ${payload.tallyRunId}\n`);
      },
    });
  },
}], { handleSignals: true, logger: createLogger({ level: 'warn' }) });

if (process.env.ENQUEUE) await kernel.queue.enqueue('tally-election', { tallyRunId: process.env.ENQUEUE });
appendFileSync(journal, 'ready\n');
