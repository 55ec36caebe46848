import { html, type Html } from '../../shared/web/html.js';
import { electionCard, type ElectionSummary } from '../components/election-card.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface DashboardData {
  toVote: ElectionSummary[];
  upcoming: ElectionSummary[];
  voted: ElectionSummary[];
  closed: ElectionSummary[];
  officer: ElectionSummary[];
}

function section(id: string, title: string, items: ElectionSummary[], note?: string): Html {
  if (items.length === 0) return html``;
  return html`<section aria-labelledby="${id}" class="dashboard-section">
<h2 id="${id}">${title}</h2>
<ul class="cards" role="list">${items.map((s) => electionCard(s, 3, note))}</ul>
</section>`;
}

/** The signed-in voter's elections: where they can vote now, soon, did vote, and run as officer. */
export function dashboardPage(ctx: PageContext, d: DashboardData): Html {
  const empty = Object.values(d).every((list) => list.length === 0);
  return layout(ctx, {
    title: 'My elections',
    main: html`<h1>My elections</h1>
<p class="lead">Welcome, ${ctx.user?.name || ctx.user?.login}.</p>
${empty ? html`<p class="empty">You are not on the voter list of any election yet. Sit back and relax: there is nothing to do. <a href="/app">See all elections</a>.</p>` : ''}
${section('to-vote', 'Open for your vote', d.toVote)}
${section('upcoming', 'Coming up', d.upcoming, 'You are on the voter list.')}
${section('voted', 'You have voted', d.voted)}
${section('closed', 'Closed', d.closed)}
${section('officer', 'Elections you run', d.officer)}`,
  });
}
