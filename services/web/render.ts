import type { Request, Response } from 'express';
import { randomToken } from '../../shared/crypto/random-token.js';
import type { Html } from '../../shared/web/html.js';
import type { PageContext } from '../../views/page-context.js';
import { maskCsrfToken } from './middleware/csrf.js';
import type { WebEnv } from './web-env.js';

export function newCsrfToken(): string {
  return randomToken(32);
}

/** The session's CSRF token, created on first use. */
export function csrfTokenFor(req: Request): string {
  if (!req.session) throw new Error('CSRF tokens need the session middleware');
  req.session.csrfToken ??= newCsrfToken();
  return req.session.csrfToken;
}

export function webEnv(req: Request): WebEnv {
  return req.app.locals.urna as WebEnv;
}

export function pageContext(req: Request, res: Response): PageContext {
  const env = webEnv(req);
  const { config } = env.kernel;
  const flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return {
    appName: config.appName,
    nonce: String(res.locals.cspNonce ?? ''),
    path: req.originalUrl,
    user: req.session?.user ?? null,
    csrfToken: () => maskCsrfToken(csrfTokenFor(req)),
    flash,
    assets: env.assets,
    devLogin: config.devLogin,
    githubLogin: Boolean(config.github.clientId && config.github.clientSecret),
    minPasscodeLength: config.ballots.minPasscodeLength,
  };
}

/** Renders a full page (the view applies the layout) with a real status code. */
export function sendPage(req: Request, res: Response, status: number, view: (ctx: PageContext) => Html): void {
  const body = view(pageContext(req, res)).toString();
  res.status(status).type('html').send(body);
}

/** An htmx fragment: no layout, and caches must keep it apart from the full page. */
export function sendFragment(res: Response, status: number, fragment: Html): void {
  res.status(status).type('html').vary('HX-Request').send(fragment.toString());
}

export function isHtmx(req: Request): boolean {
  return req.get('HX-Request') === 'true';
}

export function flash(req: Request, kind: 'info' | 'success' | 'error', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

/** Post/redirect/get: 303 so the browser follows with a GET. */
export function seeOther(res: Response, path: string): void {
  res.redirect(303, path);
}
