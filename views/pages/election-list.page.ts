import { html, type Html } from '../../shared/web/html.js';
import type { ElectionStatus } from '../../shared/domain/election/election.js';
import { electionCard, type ElectionSummary } from '../components/election-card.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export type ListFilter = ElectionStatus | 'all';

const FILTERS: Array<[ListFilter, string]> = [['all', 'All'], ['open', 'Open'], ['upcoming', 'Upcoming'], ['closed', 'Closed']];

/**
 * The filters and the list, swapped together by htmx (so the current filter stays marked);
 * without JavaScript the same links load the whole page.
 */
export function electionListFragment(o: { filter: ListFilter; elections: ElectionSummary[] }): Html {
  const href = (f: ListFilter) => (f === 'all' ? '/app' : `/app?status=${f}`);
  return html`<section id="elections" aria-labelledby="elections-heading">
<h2 id="elections-heading" class="visually-hidden">Election list</h2>
<nav aria-label="Filter elections" class="filters"><ul>
${FILTERS.map(([f, label]) => html`<li><a id="filter-${f}" href="${href(f)}" hx-get="${href(f)}" hx-target="#elections" hx-swap="outerHTML" hx-push-url="true"${f === o.filter ? html` aria-current="page"` : ''}>${label}</a></li>`)}
</ul></nav>
${o.elections.length
    ? html`<ul class="cards" role="list">${o.elections.map((s) => electionCard(s, 3))}</ul>`
    : html`<p class="empty">No ${o.filter === 'all' ? '' : `${o.filter} `}elections.</p>`}
</section>`;
}

export function electionListPage(ctx: PageContext, o: { filter: ListFilter; elections: ElectionSummary[] }): Html {
  return layout(ctx, {
    title: 'Elections',
    main: html`<h1>Elections</h1>
${ctx.user ? '' : html`<p class="lead">Sign in with GitHub to vote in the elections you are eligible for.</p>`}
${electionListFragment(o)}`,
  });
}
