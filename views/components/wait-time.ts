import { formatUtc } from './election-bits.js';

// How every "try again later" is worded: the passphrase lockout (whichever form reaches it) and
// the 429 pages of the rate limits give the time to wait the same way.

/** "45 seconds", "1 minute", "12 minutes": rounded up, so waiting that long is always enough. */
export function waitDuration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * "Wait 2 minutes before trying again (until 2030-01-01 12:02 UTC)." The time is shown to the
 * minute, so it is rounded up too: a voter who comes back at the minute shown is let in.
 */
export function waitSentence(waitMs: number, now: Date): string {
  const until = new Date(Math.ceil((now.getTime() + waitMs) / MINUTE) * MINUTE);
  return `Wait ${waitDuration(waitMs)} before trying again (until ${formatUtc(until)}).`;
}

const MINUTE = 60_000;

export const LOCKOUT_TITLE = 'Too many wrong passphrases';

/** The one lockout message: on the 429 page and on the form whose wrong passphrase started it. */
export function lockoutMessage(waitMs: number, now: Date): string {
  return `Too many wrong passphrases in a row: to protect your ballot, it cannot be viewed or revoked for now. ${waitSentence(waitMs, now)}`;
}

/** After a wrong passphrase that did not lock the ballot yet. */
export function triesLeftMessage(triesLeft: number, lockoutMs: number): string {
  const tries = triesLeft === 1 ? 'one more try' : `${triesLeft} more tries`;
  return `You have ${tries}; after that, viewing and revoking this ballot are locked for ${waitDuration(lockoutMs)}.`;
}
