import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../http-error.js';

// Synchronizer tokens: one random token per session, sent back by every state-changing request,
// in the `_csrf` form field (plain forms) or the `X-CSRF-Token` header (htmx, set on <body> via
// hx-headers). SameSite=Lax cookies already stop most cross-site posts; this covers the rest.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function csrfProtection(options: { exemptPrefixes?: string[] } = {}): RequestHandler {
  const exempt = options.exemptPrefixes ?? [];
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || exempt.some((p) => req.path.startsWith(p))) return next();
    if (req.get('Sec-Fetch-Site') === 'cross-site') return next(csrfError());
    const expected = req.session?.csrfToken;
    const body = req.body as Record<string, unknown> | undefined;
    const given = req.get(CSRF_HEADER) ?? (typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined);
    if (!expected || !given || !sameToken(expected, given)) return next(csrfError());
    next();
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function csrfError(): HttpError {
  return new HttpError(403, 'Form expired', 'This form has expired or was sent from another site. Go back, reload the page and try again.', { code: 'csrf' });
}
