import express, { type Express, type RequestHandler } from 'express';
import { AttemptKeys } from '../../shared/crypto/attempt-keys.js';
import { BallotLinks } from '../../shared/crypto/ballot-link.js';
import { requireSealingKeys, type Kernel } from '../../shared/kernel/kernel.js';
import { sweepAttemptCounters } from './attempt-counter-sweeper.js';
import { ElectionCache } from './election-cache.js';
import { MarkdownCache } from './markdown-cache.js';
import { compressResponses } from './middleware/compression.js';
import { csrfProtection } from './middleware/csrf.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { rejectNulBytes } from './middleware/reject-nul.js';
import { securityHeaders } from './middleware/security-headers.js';
import { adminRoutes } from './routes/admin.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { ballotRoutes } from './routes/ballot.routes.js';
import { devLoginRoutes } from './routes/dev-login.routes.js';
import { electionRoutes } from './routes/election.routes.js';
import { electionsRoutes } from './routes/elections.routes.js';
import { exceptionRoutes } from './routes/exception.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { loadStaticFiles, staticRoutes } from './routes/static.routes.js';
import { voteRoutes } from './routes/vote.routes.js';
import { webhookRoutes } from './routes/webhook.routes.js';
import { sessionMiddleware } from './session/session-middleware.js';
import { InFlight } from './voting/in-flight.js';
import { PassphraseLockout } from './voting/passphrase-lockout.js';
import { DEFAULT_LIMITS, type WebAppOptions, type WebEnv } from './web-env.js';

/**
 * The web application, in order: machine endpoints (health, webhook: no session, own body
 * handling), compression (unless a proxy does it), security headers and static files, then
 * sessions, body parsing and CSRF for the pages, the page routes, and error pages with real
 * status codes.
 *
 * Officer console routes (routes/admin*.routes.ts) take the same `env` and mount in the page
 * section below, guarded by `...requireOfficer(env)` from middleware/auth.ts.
 */
export async function createWebApp(kernel: Kernel, options: WebAppOptions = {}): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  // Pages are no-cache or no-store; hashing every body for an ETag would buy nothing.
  app.set('etag', false);
  if (kernel.config.trustProxy) app.set('trust proxy', kernel.config.trustProxy);
  app.use(healthRoutes(kernel));
  app.use(webhookRoutes(kernel)); // before any body parser: it verifies the raw body's signature

  const { config } = kernel;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { assets, files } = loadStaticFiles();
  if (!config.appKey) throw new Error('APP_KEY must be set before the web service starts');
  const attemptKeys = new AttemptKeys(config.appKey);
  const env: WebEnv = {
    kernel,
    ballotKeys: requireSealingKeys(kernel),
    links: new BallotLinks(config.ballots.kdf, config.ballots.kdf.concurrency, config.ballots.kdf.queue),
    votesInFlight: new InFlight(),
    markdown: new MarkdownCache(),
    elections: new ElectionCache(kernel.repos, options.electionCacheMs ?? 1000),
    assets,
    limits,
    attemptKeys,
    lockout: new PassphraseLockout(kernel.repos.attemptCounters, attemptKeys,
      { afterFailures: limits.lockoutAfterFailures, baseMs: limits.lockoutBaseMs }, () => kernel.now()),
  };
  app.locals.urna = env;
  sweepAttemptCounters(kernel);

  if (config.http.compression) app.use(compressResponses());
  app.use(securityHeaders(config));
  app.use(staticRoutes(files));
  app.use(sessionMiddleware(kernel));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000 }));
  app.use(rejectNulBytes);
  app.use(csrfProtection({ exemptPrefixes: ['/v1/webhooks/'] }));
  app.use(cacheControl);

  app.use(authRoutes(env));
  if (config.devLogin) app.use(devLoginRoutes(env));
  app.use(electionsRoutes(env));
  app.use(electionRoutes(env));
  app.use(voteRoutes(env));
  app.use(ballotRoutes(env));
  app.use(exceptionRoutes(env));
  app.use(adminRoutes(env));

  app.use(notFoundHandler);
  app.use(errorHandler(kernel.logger));
  return app;
}

/** Pages for a signed-in user are personal: never stored by browsers or proxies. */
const cacheControl: RequestHandler = (req, res, next) => {
  res.set('Cache-Control', req.session?.user ? 'no-store' : 'no-cache');
  res.vary('Cookie');
  next();
};
