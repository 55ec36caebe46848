import type { RequestHandler } from 'express';
import { rateLimit, type AugmentedRequest, type Options } from 'express-rate-limit';
import { waitSentence } from '../../../views/components/wait-time.js';
import { HttpError } from '../http-error.js';
import type { WebEnv } from '../web-env.js';
import { AttemptCounterStore } from './attempt-counter-store.js';

// Counters live in the database (attempt_counters, keys HMAC'd), so the limits hold for all web
// processes together.

/** Login starts and OAuth callbacks, per client IP. */
export function loginRateLimit(env: WebEnv): RequestHandler {
  return attemptRateLimit(env, {
    prefix: 'login:',
    limit: env.limits.loginPerWindow,
    message: 'Too many sign-in attempts from your network.',
  });
}

/** Viewing or revoking a ballot, per signed-in user, whatever the outcome. */
export function passphraseRateLimit(env: WebEnv): RequestHandler {
  return attemptRateLimit(env, {
    prefix: 'passphrase:',
    limit: env.limits.passphrasePerWindow,
    keyGenerator: (req) => `user:${req.session?.user?.id ?? 'anonymous'}`,
    message: 'Too many passphrase attempts, right or wrong.',
  });
}

interface AttemptLimit {
  prefix: string;
  limit: number;
  /** Default: the client IP (IPv6 by /56), as express-rate-limit does. */
  keyGenerator?: Options['keyGenerator'];
  /** What was counted; the time to wait follows, worded as every other wait (views/components/wait-time.ts). */
  message: string;
}

/** A fixed-window limit over the shared counters, answering 429 with Retry-After when reached. */
function attemptRateLimit(env: WebEnv, { prefix, limit, keyGenerator, message }: AttemptLimit): RequestHandler {
  const { kernel, limits } = env;
  return rateLimit({
    windowMs: limits.windowMs,
    limit,
    store: new AttemptCounterStore(kernel.repos.attemptCounters, env.attemptKeys, prefix, () => kernel.now()),
    // A store (database) error goes to the error handler (503 when the database is away): never
    // let attempts through uncounted.
    passOnStoreError: false,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (req, _res, next, options) => {
      const resetTime = (req as AugmentedRequest)[options.requestPropertyName]?.resetTime;
      const now = kernel.now();
      const waitMs = Math.max(1000, resetTime ? resetTime.getTime() - now.getTime() : options.windowMs);
      next(new HttpError(429, 'Too many attempts', `${message} ${waitSentence(waitMs, now)}`, { retryAfterSeconds: Math.ceil(waitMs / 1000) }));
    },
  });
}
