import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { randomToken } from '../../../shared/crypto/random-token.js';
import { HttpError } from '../http-error.js';

// Synchronizer tokens: one random token per session, sent back by every state-changing request,
// in the `_csrf` form field (plain forms) or the `X-CSRF-Token` header (htmx, set on <body> via
// hx-headers). SameSite=Lax cookies already stop most cross-site posts; this covers the rest.
//
// Pages carry the token masked (a fresh random mask, then the token XOR the mask), so no two
// responses carry the same bytes: compressed pages that also reflect a URL cannot leak it through
// their size (BREACH). The bare token never leaves the server in a body; it is still accepted,
// so a tab opened before masking came in can still submit its form.

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

/** The session's token as a page carries it: different bytes on every call, same meaning. */
export function maskCsrfToken(token: string): string {
  const raw = Buffer.from(token, 'base64url');
  const mask = Buffer.from(randomToken(raw.length), 'base64url');
  return Buffer.concat([mask, xor(raw, mask)]).toString('base64url');
}

function sameToken(expected: string, given: string): boolean {
  const raw = Buffer.from(expected, 'base64url');
  const masked = Buffer.from(given, 'base64url');
  // Only the exact text maskCsrfToken writes: base64 decoding ignores stray characters and bits.
  if (masked.length === 2 * raw.length && masked.toString('base64url') === given) {
    return timingSafeEqual(raw, xor(masked.subarray(raw.length), masked.subarray(0, raw.length)));
  }
  const x = Buffer.from(expected);
  const y = Buffer.from(given);
  return x.length === y.length && timingSafeEqual(x, y);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

function csrfError(): HttpError {
  return new HttpError(403, 'Form expired', 'This form has expired or was sent from another site. Go back, reload the page and try again.', { code: 'csrf' });
}
