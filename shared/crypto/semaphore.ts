/**
 * Limits how many tasks run at once; the rest wait in arrival order. Key derivation holds tens of
 * MiB each, so a burst of voters queues here instead of exhausting memory.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /** `maxQueued`: how many may wait; past that `run` refuses at once (see `full`). */
  constructor(readonly limit: number, readonly maxQueued = Number.POSITIVE_INFINITY) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a slot is free; when the queue is full too, throws `full()` without waiting. */
  async run<T>(task: () => Promise<T>, full: () => Error = () => new Error('the queue is full')): Promise<T> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.maxQueued) throw full();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
