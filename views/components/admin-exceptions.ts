import { html, type Html } from '../../shared/web/html.js';
import type { ExceptionRequest } from '../../shared/db/repositories/exception-requests.repository.js';
import type { Election } from '../../shared/domain/election/election.js';
import { dateTime, electionPath } from './election-bits.js';
import { csrfField } from './forms.js';
import type { PageContext } from '../page-context.js';

/** The reviewed badge and its toggle; htmx swaps just this form, a plain post reloads the page. */
export function reviewToggle(ctx: PageContext, e: Election, r: ExceptionRequest): Html {
  const action = electionPath(e.key, `/admin/exception/${encodeURIComponent(r.id)}`);
  return html`<form method="post" action="${action}" class="review-toggle" hx-post="${action}" hx-target="this" hx-swap="outerHTML">
${csrfField(ctx)}
<input type="hidden" name="reviewed" value="${r.reviewed ? 'false' : 'true'}">
<span class="badge ${r.reviewed ? 'badge-eligible' : 'badge-upcoming'}">${r.reviewed ? 'Reviewed' : 'Not reviewed'}</span>
<button type="submit" class="small-button">${r.reviewed ? 'Mark as not reviewed' : 'Mark as reviewed'}<span class="visually-hidden"> (${r.name})</span></button>
</form>`;
}

/** Exception requests of this election: who, how to reach them, what they did, reviewed or not. */
export function adminExceptions(ctx: PageContext, e: Election, requests: readonly ExceptionRequest[]): Html {
  if (requests.length === 0) return html`<p>No one has asked for an exception.</p>`;
  return html`<p class="hint">Reviewing changes nothing by itself: to let someone vote, add their login to voters.yaml.</p>
<ul class="exception-requests" role="list">
${requests.map((r) => html`<li class="panel" id="request-${r.id}">
<h3>${r.name} ${r.login ? html`<span class="muted">(<a href="https://github.com/${encodeURIComponent(r.login)}" rel="noopener noreferrer">@${r.login}</a>)</span>` : ''}</h3>
<dl class="fields">
<div><dt>Sent</dt><dd>${dateTime(r.createdAt)}</dd></div>
${r.chat ? html`<div><dt>Chat</dt><dd>${r.chat}</dd></div>` : ''}
<div><dt>Contributions</dt><dd class="pre-line">${r.description}</dd></div>
${r.comments ? html`<div><dt>Comments</dt><dd class="pre-line">${r.comments}</dd></div>` : ''}
</dl>
${reviewToggle(ctx, e, r)}
</li>`)}
</ul>`;
}
