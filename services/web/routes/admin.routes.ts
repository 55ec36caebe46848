import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { Election } from '../../../shared/domain/election/election.js';
import { reviewToggle } from '../../../views/components/admin-exceptions.js';
import { electionPath } from '../../../views/components/election-bits.js';
import { adminPage } from '../../../views/pages/admin.page.js';
import { HttpError, notFound } from '../http-error.js';
import { electionOf, requireOfficer } from '../middleware/auth.js';
import { flash, isHtmx, pageContext, sendFragment, sendPage, seeOther } from '../render.js';
import type { WebEnv } from '../web-env.js';
import { adminResultsRoutes, tallyViewOf } from './admin-results.routes.js';
import { bodyField } from './auth.routes.js';

/** The console's stylesheet (views/static/admin.css, from the source tree or a build under dist/), content-hashed. */
function loadStylesheet(): { url: string; body: Buffer } {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = [resolve(here, '../../../views/static/admin.css'), resolve(here, '../../../../views/static/admin.css')].find(existsSync);
  if (!file) throw new Error('views/static/admin.css not found');
  const body = readFileSync(file);
  return { url: `/static/admin.css?v=${createHash('sha256').update(body).digest('hex').slice(0, 12)}`, body };
}

/**
 * The officer console at Elekto's path, /app/elections/<key>/admin/: officers of this election
 * only (any case); others get 403, and anonymous visitors the sign-in prompt (401).
 */
export function adminRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos, queue } = env.kernel;
  const officer = requireOfficer(env);
  const stylesheet = loadStylesheet();
  const consolePath = (e: Election, anchor = '') => `${electionPath(e.key, '/admin/')}${anchor}`;

  router.get('/static/admin.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('text/css; charset=utf-8').send(stylesheet.body);
  });

  router.get(['/app/elections/:key/admin', '/app/elections/:key/admin/'], ...officer, async (req, res) => {
    const e = electionOf(res);
    const [voted, eligible, requests, syncRun, tally] = await Promise.all([
      repos.votes.countVotes(e.id),
      repos.elections.countEligible(e.id),
      repos.exceptionRequests.listForElection(e.id),
      repos.syncRuns.latest(),
      tallyViewOf(env, e),
    ]);
    sendPage(req, res, 200, (ctx) => adminPage(ctx, { ...tally, voted, eligible, requests, syncRun, stylesheet: stylesheet.url }));
  });

  router.post('/app/elections/:key/admin/sync', ...officer, async (req, res) => {
    const e = electionOf(res);
    try {
      await queue.enqueue('sync-meta', { trigger: 'officer' });
    } catch (err) {
      env.kernel.logger.warn({ err }, 'officer sync: queue unreachable');
      throw new HttpError(503, 'Sync unavailable', 'The job queue is not reachable, so the sync cannot start now. Voting is not affected. Try again in a few minutes.', {
        retryAfterSeconds: 60, link: { href: consolePath(e), label: 'Back to the officer console' },
      });
    }
    flash(req, 'success', 'A sync of the meta repository is queued. Reload this page in a moment to see it.');
    seeOther(res, consolePath(e, '#sync'));
  });

  router.post('/app/elections/:key/admin/exception/:id', ...officer, async (req, res) => {
    const e = electionOf(res);
    const id = String(req.params.id);
    const reviewed = bodyField(req, 'reviewed') === 'true';
    // Scoped to this election: an officer of one election cannot touch another's requests (Elekto could).
    if (!(await repos.exceptionRequests.setReviewed(e.id, id, reviewed, env.kernel.now()))) throw notFound('This election has no such exception request.');
    if (isHtmx(req)) {
      const request = (await repos.exceptionRequests.listForElection(e.id)).find((r) => r.id === id)!;
      return sendFragment(res, 200, reviewToggle(pageContext(req, res), e, request));
    }
    flash(req, 'success', reviewed ? 'Marked as reviewed.' : 'Marked as not reviewed.');
    seeOther(res, consolePath(e, `#request-${id}`));
  });

  // Elekto's request detail page; the console shows every detail inline.
  router.get('/app/elections/:key/admin/exception/:id', ...officer, (req, res) => seeOther(res, consolePath(electionOf(res), `#request-${String(req.params.id)}`)));

  router.use(adminResultsRoutes(env));
  return router;
}
