/**
 * Slows down guessing a voter's passphrase beyond the plain rate limit: after `afterFailures`
 * wrong passphrases in a row for one (user, election), further attempts are refused for
 * `baseMs`, doubling with each further failure up to an hour. A right passphrase clears it.
 */
export class PassphraseLockout {
  private readonly state = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(private readonly options: { afterFailures: number; baseMs: number; maxMs?: number; now?: () => number }) {}

  /** Milliseconds left on the lockout, or 0 when an attempt may go ahead. */
  remainingMs(key: string): number {
    const s = this.state.get(key);
    return s ? Math.max(0, s.lockedUntil - this.now()) : 0;
  }

  recordFailure(key: string): void {
    const s = this.state.get(key) ?? { failures: 0, lockedUntil: 0 };
    s.failures += 1;
    const over = s.failures - this.options.afterFailures;
    if (over >= 0) s.lockedUntil = this.now() + Math.min(this.options.baseMs * 2 ** over, this.options.maxMs ?? 3_600_000);
    this.state.set(key, s);
    this.prune();
  }

  recordSuccess(key: string): void {
    this.state.delete(key);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Keeps memory bounded: forget entries whose lockout ended long ago. */
  private prune(): void {
    if (this.state.size < 10_000) return;
    const cutoff = this.now() - 3_600_000;
    for (const [key, s] of this.state) if (s.lockedUntil < cutoff) this.state.delete(key);
  }
}
