import { Router } from 'express';
import { safeReturnPath } from '../../../shared/web/safe-redirect.js';
import { devLoginPage } from '../../../views/pages/login.page.js';
import { loginRateLimit } from '../middleware/rate-limits.js';
import { flash, sendPage, seeOther } from '../render.js';
import { startUserSession } from '../session/session-middleware.js';
import type { WebEnv } from '../web-env.js';
import { bodyField } from './auth.routes.js';

// GitHub's rules for logins: letters, digits and single hyphens, at most 39 characters.
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * Sign in as any login without GitHub. Mounted only when config.devLogin is set, which the config
 * refuses outside APP_ENV=development.
 */
export function devLoginRoutes(env: WebEnv): Router {
  const router = Router();
  router.get('/auth/dev', (req, res) => {
    sendPage(req, res, 200, (ctx) => devLoginPage(ctx, { next: safeReturnPath(req.query.next) }));
  });
  router.post('/auth/dev', loginRateLimit(env), async (req, res) => {
    const next = safeReturnPath(bodyField(req, 'next'));
    const login = (bodyField(req, 'login') ?? '').trim();
    if (!GITHUB_LOGIN.test(login)) {
      return sendPage(req, res, 422, (ctx) => devLoginPage(ctx, { next, login, error: 'Enter a GitHub login: letters, digits and hyphens.' }));
    }
    const user = await env.kernel.repos.users.upsertByLogin(login, null, env.kernel.now());
    flash(req, 'success', `Signed in as ${user.login} (development sign-in).`);
    await startUserSession(req, user);
    seeOther(res, next);
  });
  return router;
}
