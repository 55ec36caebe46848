import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { dialectOf, isRetryableConflict, withRowLock } from '../dialect.js';

/**
 * One row of `attempt_counters`: a fixed-window count (rate limits) or a run of failures with a
 * lockout (passphrases). Times are epoch milliseconds.
 */
export interface AttemptCounter {
  hits: number;
  windowEndsAt: number;
  failures: number;
  lockedUntil: number;
  /** After this the row counts as absent, whether or not a sweep has deleted it yet. */
  expiresAt: number;
}

/** What a failure locks: `lockMsAfter(n)` is the lockout after the n-th failure in a row (0: none). */
export interface FailureRule {
  lockMsAfter(failures: number): number;
  /** How long a run of failures is remembered after its last failure or the end of its lockout. */
  retainMs: number;
}

const EMPTY: AttemptCounter = { hits: 0, windowEndsAt: 0, failures: 0, lockedUntil: 0, expiresAt: 0 };
const TABLE = 'attempt_counters';

function toCounter(row: Record<string, unknown>): AttemptCounter {
  // pg returns bigint columns as strings.
  return {
    hits: Number(row.hits),
    windowEndsAt: Number(row.window_ends_at),
    failures: Number(row.failures),
    lockedUntil: Number(row.locked_until),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * Attempt counters shared by every web process. Keys are opaque to this repository: callers pass
 * an HMAC of what they count (shared/crypto/attempt-keys.ts), never a user id, login, address or
 * election id. Every change is a read-modify-write under the row's lock, so concurrent attempts
 * on one key, from any number of processes, all count.
 */
export class AttemptCountersRepository {
  constructor(private readonly db: Knex) {}

  /** Fixed window: counts one attempt. A window that has ended starts again with this attempt. */
  async hit(keyHash: string, windowMs: number, nowMs: number): Promise<{ hits: number; resetAt: number }> {
    const c = await this.change(keyHash, nowMs, (c) => {
      const windowEnded = c.windowEndsAt <= nowMs;
      const windowEndsAt = windowEnded ? nowMs + windowMs : c.windowEndsAt;
      return { ...c, hits: windowEnded ? 1 : c.hits + 1, windowEndsAt, expiresAt: windowEndsAt };
    });
    return { hits: c.hits, resetAt: c.windowEndsAt };
  }

  /** Takes one attempt back from the running window (one statement: atomic on its own). */
  async unhit(keyHash: string, nowMs: number): Promise<void> {
    await this.db(TABLE).where('key_hash', keyHash).andWhere('window_ends_at', '>', nowMs).andWhere('hits', '>', 0).decrement('hits', 1);
  }

  /** The attempts of the running window, or null when none is running. */
  async window(keyHash: string, nowMs: number): Promise<{ hits: number; resetAt: number } | null> {
    const c = await this.read(keyHash, nowMs);
    return c && c.windowEndsAt > nowMs ? { hits: c.hits, resetAt: c.windowEndsAt } : null;
  }

  /** Counts one more failure in a row and locks the key as `rule` says. */
  async recordFailure(keyHash: string, nowMs: number, rule: FailureRule): Promise<{ failures: number; lockedUntil: number }> {
    const c = await this.change(keyHash, nowMs, (c) => {
      const failures = c.failures + 1;
      const lockMs = rule.lockMsAfter(failures);
      const lockedUntil = lockMs > 0 ? nowMs + lockMs : c.lockedUntil;
      return { ...c, failures, lockedUntil, expiresAt: Math.max(nowMs, lockedUntil) + rule.retainMs };
    });
    return { failures: c.failures, lockedUntil: c.lockedUntil };
  }

  /** Until when the key is locked (epoch ms; 0 or past when it is not). */
  async lockedUntil(keyHash: string, nowMs: number): Promise<number> {
    return (await this.read(keyHash, nowMs))?.lockedUntil ?? 0;
  }

  /** Forgets the key: a right passphrase, or a rate limit reset. */
  async clear(keyHash: string): Promise<void> {
    await this.db(TABLE).where('key_hash', keyHash).delete();
  }

  /** Deletes rows that no longer mean anything; returns how many. */
  async deleteExpired(nowMs: number): Promise<number> {
    return this.db(TABLE).where('expires_at', '<=', nowMs).delete();
  }

  private async read(keyHash: string, nowMs: number): Promise<AttemptCounter | null> {
    const row = await this.db(TABLE).where('key_hash', keyHash).andWhere('expires_at', '>', nowMs).first();
    return row ? toCounter(row) : null;
  }

  /**
   * Applies `next` to the key's counter atomically. The upsert creates the row if needed and, on
   * every dialect, leaves it locked by this transaction (a no-op ON CONFLICT/ON DUPLICATE KEY
   * UPDATE takes the row's exclusive lock; MariaDB's INSERT IGNORE would take a shared one, and two
   * of those upgrading at once deadlock). Everyone else's change to the key waits for the commit.
   */
  private async change(keyHash: string, nowMs: number, next: (current: AttemptCounter) => AttemptCounter): Promise<AttemptCounter> {
    const run = async (trx: Knex.Transaction): Promise<AttemptCounter> => {
      await trx(TABLE).insert({ key_hash: keyHash, ...columns(EMPTY) }).onConflict('key_hash').merge(['key_hash']);
      const row = await withRowLock(trx, trx(TABLE).where('key_hash', keyHash).first(), 'update');
      const current = row && Number(row.expires_at) > nowMs ? toCounter(row) : EMPTY;
      const updated = next(current);
      await trx(TABLE).where('key_hash', keyHash).update(columns(updated));
      return updated;
    };
    if ((this.db as Knex.Transaction).isTransaction) return run(this.db as Knex.Transaction);
    // Read committed: no gap locks on MariaDB beside other keys' first attempts. (SQLite has one
    // connection, hence one transaction at a time, and warns about any isolation level.)
    const options: Knex.TransactionConfig = dialectOf(this.db) === 'sqlite' ? {} : { isolationLevel: 'read committed' };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(run, options);
      } catch (err) {
        if (attempt >= 5 || !isRetryableConflict(err)) throw err;
        await new Promise((r) => setTimeout(r, randomInt(5, 20 * attempt)));
      }
    }
  }
}

function columns(c: AttemptCounter) {
  return { hits: c.hits, window_ends_at: c.windowEndsAt, failures: c.failures, locked_until: c.lockedUntil, expires_at: c.expiresAt };
}
