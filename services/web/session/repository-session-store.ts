import session from 'express-session';
import type { SessionsRepository } from '../../../shared/db/repositories/sessions.repository.js';

type Callback = (err?: unknown) => void;

/**
 * express-session's store over `repos.sessions`: every web process shares the sessions, and they
 * survive restarts. `touch` writes at most once per `touchIntervalMs` per session and process, so
 * reading a page does not cost a database write each time.
 */
export class RepositorySessionStore extends session.Store {
  private readonly touched = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly options: { ttlMs: number; touchIntervalMs?: number; sweepIntervalMs?: number; onError?: (err: unknown) => void },
  ) {
    super();
    this.sweeper = setInterval(() => {
      this.touched.clear();
      this.sessions.purgeExpired().catch((err: unknown) => this.options.onError?.(err));
    }, options.sweepIntervalMs ?? 15 * 60_000);
    this.sweeper.unref();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.sessions.get(sid).then(
      (data) => cb(null, data ? (JSON.parse(data) as session.SessionData) : null),
      (err: unknown) => cb(err),
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    this.touched.set(sid, Date.now());
    this.sessions.set(sid, JSON.stringify(sess), this.expiry(sess)).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override touch(sid: string, sess: session.SessionData, cb?: Callback): void {
    const last = this.touched.get(sid) ?? 0;
    if (Date.now() - last < (this.options.touchIntervalMs ?? 10 * 60_000)) {
      cb?.();
      return;
    }
    this.touched.set(sid, Date.now());
    this.sessions.touch(sid, this.expiry(sess)).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: Callback): void {
    this.touched.delete(sid);
    this.sessions.destroy(sid).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + this.options.ttlMs);
  }
}
