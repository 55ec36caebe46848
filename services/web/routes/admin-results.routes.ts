import { Router, type Request, type Response } from 'express';
import { electionStatus, type Election } from '../../../shared/domain/election/election.js';
import type { TallyResult } from '../../../shared/domain/condorcet/index.js';
import { tallyStatus, type TallyView } from '../../../views/components/admin-tally.js';
import { electionPath } from '../../../views/components/election-bits.js';
import { exportElectionBallots } from '../../tally-worker/export-ballots.js';
import { requestTally, requestTallyPorts, type RequestTallyRefusal } from '../../tally-worker/request-tally.js';
import { HttpError } from '../http-error.js';
import { electionOf, requireOfficer, userOf } from '../middleware/auth.js';
import { flash, isHtmx, pageContext, sendFragment, seeOther } from '../render.js';
import type { WebEnv } from '../web-env.js';

const REFUSALS: Record<RequestTallyRefusal, { status: number; title: string }> = {
  'not-found': { status: 404, title: 'Not found' },
  'still-open': { status: 409, title: 'Voting is still open' },
  'bad-method': { status: 422, title: 'Unknown counting method' },
  'queue-unavailable': { status: 503, title: 'Counting is unavailable' },
};

/** What the results section shows: the election's latest tally run, with candidate names. */
export async function tallyViewOf(env: WebEnv, e: Election): Promise<TallyView> {
  const { repos } = env.kernel;
  const [run, candidates] = await Promise.all([repos.tallyRuns.latestForElection<TallyResult>(e.id), repos.elections.listCandidates(e.id)]);
  return { election: e, status: electionStatus(e, env.kernel.now()), run, names: new Map(candidates.map((c) => [c.key, c.name])) };
}

/** Compute results (queue the tally), the polled status fragment, and the ballot downloads. */
export function adminResultsRoutes(env: WebEnv): Router {
  const router = Router();
  const officer = requireOfficer(env);
  const consolePath = (e: Election, anchor = '') => `${electionPath(e.key, '/admin/')}${anchor}`;

  router.post('/app/elections/:key/admin/results', ...officer, async (req, res) => {
    const e = electionOf(res);
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

  // Elekto's "Generate Results" was a GET of this path; the results now live in the console.
  router.get('/app/elections/:key/admin/results', ...officer, (_req, res) => seeOther(res, consolePath(electionOf(res), '#results')));

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

  return router;
}
