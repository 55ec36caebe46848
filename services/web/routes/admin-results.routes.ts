import { Router, type Request, type Response } from 'express';
import { electionStatus, type Election } from '../../../shared/domain/election/election.js';
import type { TallyResult } from '../../../shared/domain/condorcet/index.js';
import { resultsFilePath } from '../../../shared/domain/election/results-markdown.js';
import { resultsDraft } from '../../../views/components/admin-publish.js';
import { isDone, tallyStatus, type TallyView } from '../../../views/components/admin-tally.js';
import { electionPath } from '../../../views/components/election-bits.js';
import { computeConfirmPage } from '../../../views/pages/admin-compute.page.js';
import { exportElectionBallots } from '../../tally-worker/export-ballots.js';
import { requestTally, requestTallyPorts, type RequestTallyRefusal } from '../../tally-worker/request-tally.js';
import { HttpError } from '../http-error.js';
import { electionOf, requireOfficer, userOf } from '../middleware/auth.js';
import { flash, isHtmx, pageContext, sendFragment, sendPage, seeOther } from '../render.js';
import { bodyField } from './auth.routes.js';
import type { WebEnv } from '../web-env.js';

const REFUSALS: Record<RequestTallyRefusal, { status: number; title: string }> = {
  'not-found': { status: 404, title: 'Not found' },
  'still-open': { status: 409, title: 'Voting is still open' },
  'bad-method': { status: 422, title: 'Unknown counting method' },
  'queue-unavailable': { status: 503, title: 'Counting is unavailable' },
};

/** What the results section shows: the election's latest tally run, with candidate names, turnout and where to publish. */
export async function tallyViewOf(env: WebEnv, e: Election): Promise<TallyView> {
  const { repos, config } = env.kernel;
  const [run, candidates, ballots, eligible] = await Promise.all([
    repos.tallyRuns.latestForElection<TallyResult>(e.id),
    repos.elections.listCandidates(e.id),
    repos.votes.countBallots(e.id),
    repos.elections.countEligible(e.id),
  ]);
  return {
    election: e, status: electionStatus(e, env.kernel.now()), run, names: new Map(candidates.map((c) => [c.key, c.name])), ballots, eligible,
    publish: { path: resultsFilePath(config.meta.electionDir, e.path), branch: config.meta.branch },
  };
}

/** A count can be asked for: voting has closed, and no count is queued, running or done. */
const countable = (v: TallyView): boolean => v.status === 'closed' && (!v.run || v.run.status === 'failed');

/** Compute results (confirm, then queue the tally), the polled status fragment, the ballot downloads and the results.md draft. */
export function adminResultsRoutes(env: WebEnv, stylesheet: string): Router {
  const router = Router();
  const officer = requireOfficer(env);
  const consolePath = (e: Election, anchor = '') => `${electionPath(e.key, '/admin/')}${anchor}`;

  // The confirmation. Elekto's "Generate Results" was a GET of this path, so old links land here too.
  router.get('/app/elections/:key/admin/results', ...officer, async (req, res) => {
    const v = await tallyViewOf(env, electionOf(res));
    if (!countable(v)) return seeOther(res, consolePath(v.election, '#results'));
    sendPage(req, res, 200, (ctx) => computeConfirmPage(ctx, { election: v.election, ballots: v.ballots, eligible: v.eligible, stylesheet }));
  });

  router.post('/app/elections/:key/admin/results', ...officer, async (req, res) => {
    const e = electionOf(res);
    // Counts only what the officer confirmed: without the confirmed number (an old form, a
    // scripted post), or when the box changed since, the confirmation is shown (again).
    const confirmed = bodyField(req, 'ballots');
    if (!/^\d+$/.test(confirmed ?? '')) return seeOther(res, electionPath(e.key, '/admin/results'));
    const v = await tallyViewOf(env, e);
    if (countable(v) && Number(confirmed) !== v.ballots) {
      return sendPage(req, res, 409, (ctx) => computeConfirmPage(ctx, {
        election: e, ballots: v.ballots, eligible: v.eligible, changedFrom: Number(confirmed), stylesheet,
      }));
    }
    const answer = await requestTally(requestTallyPorts(env.kernel), e.id, userOf(req).id);
    if (!answer.ok) {
      const { status, title } = REFUSALS[answer.code];
      throw new HttpError(status, title, answer.message, {
        link: { href: consolePath(e), label: 'Back to the officer console' },
        ...(status === 503 ? { retryAfterSeconds: 60 } : {}),
      });
    }
    const message = answer.created ? 'Counting has started.'
      : answer.run.status === 'done' ? 'The results were already computed.' : 'A count is already under way.';
    flash(req, 'success', message);
    seeOther(res, consolePath(e, '#results'));
  });

  router.get('/app/elections/:key/admin/tally', ...officer, async (req: Request, res: Response) => {
    const e = electionOf(res);
    if (!isHtmx(req)) return seeOther(res, consolePath(e, '#results'));
    sendFragment(res, 200, tallyStatus(pageContext(req, res), await tallyViewOf(env, e)));
  });

  const download = (format: 'csv' | 'blt') => async (_req: Request, res: Response) => {
    const e = electionOf(res);
    const file = await exportElectionBallots(env.kernel.repos, e, format);
    if (!file) {
      throw new HttpError(403, 'Ballots are sealed until the count', 'The ballots can be downloaded once voting has closed and the results are computed.', {
        link: { href: consolePath(e), label: 'Back to the officer console' },
      });
    }
    res.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.set('Cache-Control', 'no-store');
    res.type(file.contentType).send(file.body);
  };
  // `/admin/download` is Elekto's CSV export path.
  router.get(['/app/elections/:key/admin/download', '/app/elections/:key/admin/download.csv'], ...officer, download('csv'));
  router.get('/app/elections/:key/admin/download.blt', ...officer, download('blt'));

  // The draft results.md, to commit to the meta repository (the console shows where).
  router.get('/app/elections/:key/admin/results.md', ...officer, async (_req, res) => {
    const v = await tallyViewOf(env, electionOf(res));
    if (!isDone(v)) {
      throw new HttpError(404, 'No results yet', 'A draft results.md is ready once the results are computed.', {
        link: { href: consolePath(v.election, '#results'), label: 'Back to the officer console' },
      });
    }
    res.set('Content-Disposition', 'attachment; filename="results.md"');
    res.set('Cache-Control', 'no-store');
    res.type('text/markdown; charset=utf-8').send(resultsDraft(v));
  });

  return router;
}
