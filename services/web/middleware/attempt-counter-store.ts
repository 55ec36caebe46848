import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { AttemptKeys } from '../../../shared/crypto/attempt-keys.js';
import type { AttemptCountersRepository } from '../../../shared/db/repositories/attempt-counters.repository.js';

/**
 * express-rate-limit's store over `repos.attemptCounters`: every web process counts the same
 * attempts, so N processes do not give N times the limit. What the limiter counts by (a client
 * address, a user id) is stored only as an HMAC (see AttemptKeys). A database error rejects, and
 * the limiter passes it on to the error handler: no counter, no attempt.
 */
export class AttemptCounterStore implements Store {
  /** Counts are shared with other instances and processes, not local to this object. */
  readonly localKeys = false;
  private windowMs = 0;

  constructor(
    private readonly counters: AttemptCountersRepository,
    private readonly keys: AttemptKeys,
    /** What is counted ("login", "passphrase"): limiters with different prefixes never share counts. */
    readonly prefix: string,
    private readonly now: () => Date,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const window = await this.counters.window(this.stored(key), this.nowMs());
    return window ? { totalHits: window.hits, resetTime: new Date(window.resetAt) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { hits, resetAt } = await this.counters.hit(this.stored(key), this.windowMs, this.nowMs());
    return { totalHits: hits, resetTime: new Date(resetAt) };
  }

  async decrement(key: string): Promise<void> {
    await this.counters.unhit(this.stored(key), this.nowMs());
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.clear(this.stored(key));
  }

  private stored(key: string): string {
    return this.keys.of('rate-limit', this.prefix, key);
  }

  private nowMs(): number {
    return this.now().getTime();
  }
}
