import { Router } from 'express';
import { electionStatus, isOfficer, type Election } from '../../../shared/domain/election/election.js';
import type { ViewUser } from '../../../views/page-context.js';
import { candidatePage } from '../../../views/pages/candidate.page.js';
import { electionPage, type Viewer } from '../../../views/pages/election.page.js';
import { resultsPage } from '../../../views/pages/results.page.js';
import { notFound } from '../http-error.js';
import { currentUser, electionOf, loadElection } from '../middleware/auth.js';
import { sendPage } from '../render.js';
import { shuffled } from '../../../shared/crypto/shuffle.js';
import type { WebEnv } from '../web-env.js';

/** The election page, candidate profiles and published results: public, personalised when signed in. */
export function electionRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos } = env.kernel;
  const election = loadElection(env, { cached: true });

  router.get('/app/elections/:key', election, async (req, res) => {
    const e = electionOf(res);
    const user = currentUser(req);
    const [candidates, viewer] = await Promise.all([
      env.elections.candidates(e.id),
      user ? viewerOf(env, e, user) : Promise.resolve(null),
    ]);
    const status = electionStatus(e, env.kernel.now());
    const descriptionHtml = env.markdown.render(e.description, 3);
    const eligibilityHtml = env.markdown.render(e.eligibility, 3);
    sendPage(req, res, 200, (ctx) => electionPage(ctx, { election: e, status, descriptionHtml, eligibilityHtml, candidates: shuffled(candidates), viewer }));
  });

  router.get('/app/elections/:key/candidates/:candidate', election, async (req, res) => {
    const e = electionOf(res);
    // By the candidate's ID from the database, never by a file name (Elekto opened candidate-<id>.md).
    const candidate = await repos.elections.findCandidate(e.id, String(req.params.candidate));
    if (!candidate) throw notFound('This election has no candidate with that ID.');
    sendPage(req, res, 200, (ctx) => candidatePage(ctx, { election: e, candidate, bioHtml: env.markdown.render(candidate.bio, 3) }));
  });

  router.get(['/app/elections/:key/results', '/app/elections/:key/results/'], election, (req, res) => {
    const e = electionOf(res);
    if (electionStatus(e, env.kernel.now()) !== 'closed' || !e.results) {
      throw notFound('The results of this election have not been published yet.');
    }
    sendPage(req, res, 200, (ctx) => resultsPage(ctx, { election: e, resultsHtml: env.markdown.render(e.results!) }));
  });

  return router;
}

/** What the election page tells a signed-in user about their own participation (one query). */
export async function viewerOf(env: WebEnv, e: Election, user: ViewUser): Promise<Viewer> {
  const p = await env.kernel.repos.elections.participation(e.id, user.id, user.login);
  return {
    eligible: p.eligible,
    voted: p.voted,
    hasBallotLink: p.hasLink,
    officer: isOfficer(e, user.login),
    exceptionRequestedAt: p.exceptionAt,
    canRequestException: !p.eligible && !p.exceptionAt && env.kernel.now() < e.exceptionDueAt,
  };
}
