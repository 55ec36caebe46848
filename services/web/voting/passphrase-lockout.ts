import type { AttemptKeys } from '../../../shared/crypto/attempt-keys.js';
import type { AttemptCountersRepository } from '../../../shared/db/repositories/attempt-counters.repository.js';

export interface LockoutPolicy {
  /** Wrong passphrases in a row before the first lockout. */
  afterFailures: number;
  /** The first lockout; each further failure doubles it. */
  baseMs: number;
  /** The longest lockout (default an hour). */
  maxMs?: number;
}

const HOUR = 3_600_000;
/**
 * How long a run of wrong passphrases is remembered after its last failure or the end of its
 * lockout: a guesser who pauses for less than this finds the lockout where it was. Beyond it the
 * row is deleted, so the table stays bounded.
 */
export const FAILURE_MEMORY_MS = 24 * HOUR;

/** The lockout after the n-th wrong passphrase in a row: none, then baseMs doubling up to maxMs. */
export function lockoutMsAfter(failures: number, policy: LockoutPolicy): number {
  const over = failures - policy.afterFailures;
  return over < 0 ? 0 : Math.min(policy.baseMs * 2 ** over, policy.maxMs ?? HOUR);
}

/** What a wrong passphrase leaves: wrong ones still allowed before a lockout, or the lockout it started. */
export interface FailureOutcome {
  /** Further wrong passphrases before the next one locks the ballot (0 once locked). */
  triesLeft: number;
  /** How long the lockout this failure started lasts (0: not locked). */
  lockedForMs: number;
  /** How long the lockout will be once `triesLeft` more wrong passphrases have been sent. */
  nextLockoutMs: number;
}

/** Whose passphrase is being tried, on which election. */
export interface LockoutSubject {
  userId: string;
  electionId: string;
}

/**
 * Slows down guessing a voter's passphrase beyond the plain rate limit: after `afterFailures`
 * wrong passphrases in a row for one (user, election), further attempts are refused for
 * `baseMs`, doubling with each further failure up to an hour. A right passphrase clears it. The
 * counts live in the database, shared by every web process, under an HMAC of the pair.
 */
export class PassphraseLockout {
  constructor(
    private readonly counters: AttemptCountersRepository,
    private readonly keys: AttemptKeys,
    private readonly policy: LockoutPolicy,
    private readonly now: () => Date,
  ) {}

  /** Milliseconds left on the lockout, or 0 when an attempt may go ahead. */
  async remainingMs(subject: LockoutSubject): Promise<number> {
    const nowMs = this.now().getTime();
    return Math.max(0, (await this.counters.lockedUntil(this.key(subject), nowMs)) - nowMs);
  }

  async recordFailure(subject: LockoutSubject): Promise<FailureOutcome> {
    const nowMs = this.now().getTime();
    const { failures, lockedUntil } = await this.counters.recordFailure(this.key(subject), nowMs, {
      lockMsAfter: (n) => lockoutMsAfter(n, this.policy),
      retainMs: FAILURE_MEMORY_MS,
    });
    const triesLeft = Math.max(0, this.policy.afterFailures - failures);
    return {
      triesLeft,
      lockedForMs: Math.max(0, lockedUntil - nowMs),
      nextLockoutMs: lockoutMsAfter(failures + Math.max(1, triesLeft), this.policy),
    };
  }

  async recordSuccess(subject: LockoutSubject): Promise<void> {
    await this.counters.clear(this.key(subject));
  }

  private key({ userId, electionId }: LockoutSubject): string {
    return this.keys.of('passphrase-lockout', userId, electionId);
  }
}
