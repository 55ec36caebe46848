import type { Logger } from '../logging/logger.js';

/** Shutdown runs phase by phase, in this order: stop intake, finish jobs, close queues, close the database. */
export const SHUTDOWN_PHASES = ['intake', 'workers', 'queues', 'database'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

interface Step {
  phase: ShutdownPhase;
  name: string;
  run: () => Promise<void>;
}

export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  add(phase: ShutdownPhase, name: string, run: () => Promise<void>): void {
    this.steps.push({ phase, name, run });
  }

  /** Runs every step once, phase by phase; a failing step is logged and the rest still run. */
  run(reason: string): Promise<void> {
    this.running ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      for (const phase of SHUTDOWN_PHASES) {
        const steps = this.steps.filter((s) => s.phase === phase);
        await Promise.all(steps.map(async (s) => {
          try {
            await s.run();
            this.logger.debug({ phase, step: s.name }, 'shutdown step done');
          } catch (err) {
            this.logger.error({ phase, step: s.name, err }, 'shutdown step failed');
          }
        }));
      }
      this.logger.info('shutdown complete');
    })();
    return this.running;
  }

  get started(): boolean {
    return this.running !== null;
  }
}
