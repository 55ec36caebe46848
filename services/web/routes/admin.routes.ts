import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { Election } from '../../../shared/domain/election/election.js';
import { urnaJobs } from '../../../shared/queue/job-definitions.js';
import { reviewToggle } from '../../../views/components/admin-exceptions.js';
import { adminSync } from '../../../views/components/admin-sync.js';
import { electionPath } from '../../../views/components/election-bits.js';
import { adminPage } from '../../../views/pages/admin.page.js';
import { HttpError, notFound } from '../http-error.js';
import { electionOf, requireOfficer } from '../middleware/auth.js';
import { flash, isHtmx, pageContext, sendFragment, sendPage, seeOther } from '../render.js';
import type { WebEnv } from '../web-env.js';
import { adminResultsRoutes, tallyViewOf } from './admin-results.routes.js';
import { bodyField } from './auth.routes.js';

/** One of the console's own static files (views/static, from the source tree or a build under dist/), content-hashed. */
function loadConsoleFile(name: string, type: string): { name: string; url: string; type: string; body: Buffer } {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = [resolve(here, `../../../views/static/${name}`), resolve(here, `../../../../views/static/${name}`)].find(existsSync);
  if (!file) throw new Error(`views/static/${name} not found`);
  const body = readFileSync(file);
  return { name, type, url: `/static/${name}?v=${createHash('sha256').update(body).digest('hex').slice(0, 12)}`, body };
}

/** Is a sync of the meta repository queued, retrying or running? An unreachable queue counts as no: nothing to wait for. */
export async function syncPending(env: WebEnv): Promise<boolean> {
  const counts = await env.kernel.queue.counts(urnaJobs['sync-meta'].queue).catch(() => null);
  return counts !== null && counts.waiting + counts.active + counts.delayed > 0;
}

/**
 * The officer console at Elekto's path, /app/elections/<key>/admin/: officers of this election
 * only (any case); others get 403, and anonymous visitors the sign-in prompt (401).
 */
export function adminRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos, queue } = env.kernel;
  const officer = requireOfficer(env);
  const stylesheet = loadConsoleFile('admin.css', 'text/css; charset=utf-8');
  const script = loadConsoleFile('admin.js', 'text/javascript; charset=utf-8');
  const consolePath = (e: Election, anchor = '') => `${electionPath(e.key, '/admin/')}${anchor}`;

  for (const file of [stylesheet, script]) {
    router.get(`/static/${file.name}`, (_req, res) => {
      res.set('Cache-Control', 'public, max-age=31536000, immutable');
      res.set('X-Content-Type-Options', 'nosniff');
      res.type(file.type).send(file.body);
    });
  }

  router.get(['/app/elections/:key/admin', '/app/elections/:key/admin/'], ...officer, async (req, res) => {
    const e = electionOf(res);
    const [voted, requests, syncRun, pending, tally] = await Promise.all([
      repos.votes.countVotes(e.id),
      repos.exceptionRequests.listForElection(e.id),
      repos.syncRuns.latest(),
      syncPending(env),
      tallyViewOf(env, e),
    ]);
    sendPage(req, res, 200, (ctx) => adminPage(ctx, {
      ...tally, voted, requests, syncRun, syncPending: pending, stylesheet: stylesheet.url, script: script.url,
    }));
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
    flash(req, 'success', 'A sync of the meta repository is queued.');
    seeOther(res, consolePath(e, '#sync'));
  });

  // What the sync panel polls while a sync is under way. The first answer without a poller is
  // the end of that sync: it tells the page (urna-synced), so the results section reloads too.
  router.get('/app/elections/:key/admin/sync-status', ...officer, async (req, res) => {
    const e = electionOf(res);
    if (!isHtmx(req)) return seeOther(res, consolePath(e, '#sync'));
    const [run, pending] = await Promise.all([repos.syncRuns.latest(), syncPending(env)]);
    if (!pending) res.set('HX-Trigger', 'urna-synced');
    sendFragment(res, 200, adminSync(pageContext(req, res), e, run, pending));
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

  router.use(adminResultsRoutes(env, stylesheet.url));
  return router;
}
