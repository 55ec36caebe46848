import { Router, type Request } from 'express';
import type { User } from '../../../shared/db/repositories/users.repository.js';
import { safeReturnPath } from '../../../shared/web/safe-redirect.js';
import { loginPage, logoutPage } from '../../../views/pages/login.page.js';
import { githubPassport } from '../auth/github-passport.js';
import { HttpError, notFound } from '../http-error.js';
import { currentUser } from '../middleware/auth.js';
import { loginRateLimit } from '../middleware/rate-limits.js';
import { flash, sendPage, seeOther } from '../render.js';
import { destroySession, SESSION_COOKIE, startUserSession } from '../session/session-middleware.js';
import type { WebEnv } from '../web-env.js';

/** GET /login, POST /oauth/github/login → GitHub → GITHUB_REDIRECT, and POST-only /logout. */
export function authRoutes(env: WebEnv): Router {
  const router = Router();
  const { config, logger } = env.kernel;
  const passport = githubPassport(env.kernel);
  const limit = loginRateLimit(env);

  router.get('/login', (req, res) => {
    const next = safeReturnPath(req.query.next);
    if (currentUser(req)) return seeOther(res, next);
    sendPage(req, res, 200, (ctx) => loginPage(ctx, { next }));
  });

  router.post('/oauth/github/login', limit, (req, res, next) => {
    if (!passport) return next(notFound());
    req.session.returnTo = safeReturnPath(bodyField(req, 'next'));
    passport.authenticate('github', { session: false })(req, res, next);
  });

  router.get(config.github.redirectPath, limit, (req, res, next) => {
    if (!passport) return next(notFound());
    passport.authenticate('github', { session: false }, (err: unknown, user: User | false) => {
      if (err) {
        logger.warn({ err: { message: (err as Error).message } }, 'GitHub sign-in failed');
        return next(new HttpError(502, 'Sign-in failed', 'GitHub did not confirm who you are. Please try again.'));
      }
      if (!user) {
        const message = req.query.error === 'access_denied'
          ? 'Sign-in was cancelled at GitHub.'
          : 'This sign-in link has expired or was already used. Please sign in again.';
        return next(new HttpError(403, 'Not signed in', message));
      }
      const returnTo = safeReturnPath(req.session.returnTo);
      flash(req, 'success', `Signed in as ${user.login}.`);
      startUserSession(req, user).then(() => seeOther(res, returnTo), next);
    })(req, res, next);
  });

  router.get('/logout', (req, res) => sendPage(req, res, 200, logoutPage));

  router.post('/logout', async (req, res) => {
    if (req.session) await destroySession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    seeOther(res, '/app');
  });

  return router;
}

export function bodyField(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
