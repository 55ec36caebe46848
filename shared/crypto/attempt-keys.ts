import { createHmac } from 'node:crypto';

/**
 * The keys under which attempts are counted in `attempt_counters`: an HMAC-SHA256 of what is
 * counted ("lockout", user id, election id; or "login", client address), under a key derived
 * from APP_KEY. Someone holding the database, but not APP_KEY, cannot tell which user tried a
 * passphrase on which election or from which address someone signed in, not even by hashing
 * every known (user, election) pair and comparing.
 */
export class AttemptKeys {
  private readonly key: Buffer;

  constructor(appKey: string) {
    if (!appKey) throw new Error('APP_KEY must be set to key the attempt counters');
    // A key of its own, so these hashes never coincide with session cookie signatures (also APP_KEY).
    this.key = createHmac('sha256', appKey).update('urna attempt counters').digest();
  }

  /** 64 hex characters. Parts are joined with NUL, which no id, address or login contains. */
  of(...parts: string[]): string {
    return createHmac('sha256', this.key).update(parts.join('\0')).digest('hex');
  }
}
