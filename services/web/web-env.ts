import type { AttemptKeys } from '../../shared/crypto/attempt-keys.js';
import type { ElectionKeyStore } from '../../shared/ballots/election-key-store.js';
import type { BallotLinks } from '../../shared/crypto/ballot-link.js';
import type { Kernel } from '../../shared/kernel/kernel.js';
import type { Assets } from '../../views/page-context.js';
import type { ElectionCache } from './election-cache.js';
import type { MarkdownCache } from './markdown-cache.js';
import type { InFlight } from './voting/in-flight.js';
import type { PassphraseLockout } from './voting/passphrase-lockout.js';

/** Limits that tests and benchmarks may loosen; production uses the defaults. */
export interface WebLimits {
  /** Login starts and OAuth callbacks per IP per window. */
  loginPerWindow: number;
  /** View/revoke attempts per user per window, whatever the outcome. */
  passphrasePerWindow: number;
  windowMs: number;
  /** Consecutive wrong passphrases before the lockout starts, and its first length. */
  lockoutAfterFailures: number;
  lockoutBaseMs: number;
}

export const DEFAULT_LIMITS: WebLimits = {
  loginPerWindow: 100,
  passphrasePerWindow: 20,
  windowMs: 15 * 60_000,
  lockoutAfterFailures: 5,
  lockoutBaseMs: 60_000,
};

export interface WebAppOptions {
  limits?: Partial<WebLimits>;
  /** How long pages may show a cached election row and candidate list (default 1000 ms; 0 = off). */
  electionCacheMs?: number;
}

/** What every route file receives: the kernel plus the web's own shared pieces. */
export interface WebEnv {
  kernel: Kernel;
  /** Election public keys and link keys (never a private key: the web does not open ballots). */
  ballotKeys: ElectionKeyStore;
  /** Passphrase links: Argon2id through a bounded queue. */
  links: BallotLinks;
  /** Votes of this process still being sealed, by election and voter. */
  votesInFlight: InFlight;
  markdown: MarkdownCache;
  /** Read elections and candidates through this for pages; re-read fresh where exactness matters. */
  elections: ElectionCache;
  assets: Assets;
  limits: WebLimits;
  /** Keys of the shared attempt counters (rate limits, lockout): HMACs, never ids in clear. */
  attemptKeys: AttemptKeys;
  lockout: PassphraseLockout;
}
