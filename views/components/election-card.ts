import { html, type Html } from '../../shared/web/html.js';
import type { Election, ElectionStatus } from '../../shared/domain/election/election.js';
import { dateTime, electionPath, statusBadge } from './election-bits.js';

export interface ElectionSummary {
  election: Election;
  status: ElectionStatus;
}

/** One election in a list; `note` adds a line such as "You have voted". */
export function electionCard(s: ElectionSummary, headingLevel: 2 | 3 = 2, note?: Html | string): Html {
  const e = s.election;
  const when = s.status === 'upcoming'
    ? html`Opens ${dateTime(e.startAt)}`
    : s.status === 'open' ? html`Closes ${dateTime(e.endAt)}` : html`Closed ${dateTime(e.endAt)}`;
  const link = html`<a href="${electionPath(e.key)}">${e.name}</a>`;
  return html`<li class="card">
${headingLevel === 2 ? html`<h2 class="card-title">${link}</h2>` : html`<h3 class="card-title">${link}</h3>`}
<p class="card-meta">${e.organization ? html`<span>${e.organization}</span>` : ''}${statusBadge(s.status)}</p>
<p class="card-dates">${when}</p>
${note ? html`<p class="card-note">${note}</p>` : ''}
</li>`;
}
