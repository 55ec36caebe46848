import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../http-error.js';
import type { WebLimits } from '../web-env.js';

// Counters live in this process's memory: with several web processes each counts on its own, so
// the effective limit is the per-process limit times the number of processes. A shared store
// (Redis) would make it exact; the lockout in voting/passphrase-lockout.ts caps guessing anyway.

function tooMany(retryAfterSeconds: number, message: string): HttpError {
  return new HttpError(429, 'Too many attempts', message, { retryAfterSeconds });
}

/** Login starts and OAuth callbacks, per client IP. */
export function loginRateLimit(limits: WebLimits): RequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.loginPerWindow,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) =>
      next(tooMany(Math.ceil(options.windowMs / 1000), 'Too many sign-in attempts from your network. Wait a few minutes and try again.')),
  });
}

/** Viewing or revoking a ballot, per signed-in user, whatever the outcome. */
export function passphraseRateLimit(limits: WebLimits): RequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.passphrasePerWindow,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `user:${req.session?.user?.id ?? 'anonymous'}`,
    handler: (_req, _res, next, options) =>
      next(tooMany(Math.ceil(options.windowMs / 1000), 'Too many passphrase attempts. Wait a few minutes and try again.')),
  });
}
