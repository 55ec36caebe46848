import { Router } from 'express';
import { electionStatus, isOfficer, type Election } from '../../../shared/domain/election/election.js';
import type { ElectionSummary } from '../../../views/components/election-card.js';
import { dashboardPage } from '../../../views/pages/dashboard.page.js';
import { electionListFragment, electionListPage, type ListFilter } from '../../../views/pages/election-list.page.js';
import { requireLogin, userOf } from '../middleware/auth.js';
import { isHtmx, sendFragment, sendPage } from '../render.js';
import type { WebEnv } from '../web-env.js';

// Elekto's status names still work in old links: running → open, completed → closed.
const FILTER_ALIASES: Record<string, ListFilter> = {
  open: 'open', upcoming: 'upcoming', closed: 'closed', running: 'open', completed: 'closed', all: 'all',
};

/** The public election list (with htmx-swapped filters), the voter's dashboard, and Elekto's old paths. */
export function electionsRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos } = env.kernel;
  const summarise = (elections: Election[], now: Date): ElectionSummary[] =>
    elections.map((election) => ({ election, status: electionStatus(election, now) }));

  router.get('/', (_req, res) => res.redirect(302, '/app'));
  router.get(['/elections', '/app/elections'], (req, res) => {
    const status = typeof req.query.status === 'string' ? FILTER_ALIASES[req.query.status] : undefined;
    res.redirect(301, status && status !== 'all' ? `/app?status=${status}` : '/app');
  });
  router.get('/elections/:key', (req, res) => res.redirect(301, `/app/elections/${encodeURIComponent(req.params.key)}`));

  router.get('/app', async (req, res) => {
    const filter = (typeof req.query.status === 'string' && FILTER_ALIASES[req.query.status]) || 'all';
    const all = summarise(await env.elections.list(), env.kernel.now());
    const elections = filter === 'all' ? all : all.filter((s) => s.status === filter);
    res.vary('HX-Request');
    if (isHtmx(req)) return sendFragment(res, 200, electionListFragment({ filter, elections }));
    sendPage(req, res, 200, (ctx) => electionListPage(ctx, { filter, elections }));
  });

  router.get('/app/dashboard', requireLogin, async (req, res) => {
    const user = userOf(req);
    const now = env.kernel.now();
    const [elections, voted, eligible] = await Promise.all([
      env.elections.list(),
      repos.votes.votedElectionIds(user.id),
      repos.elections.eligibleElectionIds(user.login),
    ]);
    const all = summarise(elections, now);
    const mine = all.filter((s) => eligible.has(s.election.id) && !voted.has(s.election.id));
    sendPage(req, res, 200, (ctx) => dashboardPage(ctx, {
      toVote: mine.filter((s) => s.status === 'open'),
      upcoming: mine.filter((s) => s.status === 'upcoming'),
      voted: all.filter((s) => voted.has(s.election.id)),
      closed: mine.filter((s) => s.status === 'closed'),
      officer: all.filter((s) => isOfficer(s.election, user.login)),
    }));
  });

  return router;
}
