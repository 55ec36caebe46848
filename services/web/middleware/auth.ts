import type { Request, RequestHandler, Response } from 'express';
import { isOfficer, type Election } from '../../../shared/domain/election/election.js';
import type { ViewUser } from '../../../views/page-context.js';
import { forbidden, notFound, unauthorized } from '../http-error.js';
import type { WebEnv } from '../web-env.js';

// Guards for route files. Officer routes (the admin console) compose them:
//   router.get('/app/elections/:key/admin', ...requireOfficer(env), handler)
// after which `electionOf(res)` and `userOf(req)` are set.

export function currentUser(req: Request): ViewUser | null {
  return req.session?.user ?? null;
}

/** The signed-in user; only call after `requireLogin`. */
export function userOf(req: Request): ViewUser {
  const user = currentUser(req);
  if (!user) throw unauthorized();
  return user;
}

/** 401 with a sign-in prompt (the error page) when nobody is signed in. */
export const requireLogin: RequestHandler = (req, _res, next) => {
  next(currentUser(req) ? undefined : unauthorized());
};

/**
 * Loads the election named by `:key` into `res.locals.election`; 404 when unknown or archived.
 * Fresh from the database by default (votes, officers); `{ cached: true }` for public pages,
 * which may lag sync by up to a second (see election-cache.ts).
 */
export function loadElection(env: WebEnv, options: { cached?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const key = req.params.key;
    const read = (k: string) => (options.cached ? env.elections.byKey(k) : env.kernel.repos.elections.findByKey(k));
    const election = typeof key === 'string' ? await read(key) : null;
    if (!election || election.archivedAt) return next(notFound('There is no election with this name.'));
    res.locals.election = election;
    next();
  };
}

export function electionOf(res: Response): Election {
  const election = res.locals.election as Election | undefined;
  if (!election) throw new Error('electionOf() needs loadElection() earlier in the route');
  return election;
}

/** Signed in, the election exists, and the login is one of its `election_officers` (any case). */
export function requireOfficer(env: WebEnv): RequestHandler[] {
  return [
    requireLogin,
    loadElection(env),
    (req, res, next) => {
      if (isOfficer(electionOf(res), userOf(req).login)) return next();
      next(forbidden('Only the officers of this election may open this page.', 'Officers only'));
    },
  ];
}
