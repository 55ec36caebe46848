import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import { randomToken } from '../../../shared/crypto/random-token.js';
import type { Kernel } from '../../../shared/kernel/kernel.js';
import type { ViewUser } from '../../../views/page-context.js';
import { newCsrfToken } from '../render.js';
import { RepositorySessionStore } from './repository-session-store.js';
import './session-data.js';

export const SESSION_COOKIE = 'urna.sid';
export const SESSION_TTL_MS = 24 * 60 * 60_000;

/**
 * Server-side sessions in the database (shared by every web process, surviving restarts). The
 * cookie holds only a signed random id: httpOnly, SameSite=Lax, Secure when APP_URL is https.
 * Anonymous visitors get no session row until something needs one (a CSRF token for a form).
 */
export function sessionMiddleware(kernel: Kernel): RequestHandler {
  const { config } = kernel;
  if (!config.appKey) throw new Error('APP_KEY must be set before the web service starts');
  const store = new RepositorySessionStore(kernel.repos.sessions, {
    ttlMs: SESSION_TTL_MS,
    onError: (err) => kernel.logger.warn({ err }, 'session sweep failed'),
  });
  kernel.shutdown.add('intake', 'session sweeper', async () => store.close());
  return session({
    name: SESSION_COOKIE,
    secret: config.appKey,
    store,
    genid: () => randomToken(24), // as express-session's default (uid-safe), from the pool
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.trustProxy ? true : undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.appUrl.startsWith('https:'),
      maxAge: SESSION_TTL_MS,
      path: '/',
    },
  });
}

/** A new session id on sign-in (no fixation), carrying over only what the next page needs. */
export async function startUserSession(req: Request, user: ViewUser): Promise<void> {
  const flash = req.session.flash;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.user = { id: user.id, login: user.login, name: user.name };
  req.session.csrfToken = newCsrfToken();
  if (flash) req.session.flash = flash;
  await saveSession(req);
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}
