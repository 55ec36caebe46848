import { html, raw, type Html, type SanitisedHtml } from '../../shared/web/html.js';
import type { Candidate, Election, ElectionStatus } from '../../shared/domain/election/election.js';
import { candidatePath, dateTime, electionPath, statusBadge, winnersText } from '../components/election-bits.js';
import { csrfField } from '../components/forms.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface Viewer {
  eligible: boolean;
  voted: boolean;
  /** Voted with a passphrase, and the link still exists (delete_after removes it). */
  hasBallotLink: boolean;
  officer: boolean;
  exceptionRequestedAt: Date | null;
  /** Not eligible, before exception_due, and no request yet. */
  canRequestException: boolean;
}

export interface ElectionPageData {
  election: Election;
  status: ElectionStatus;
  descriptionHtml: SanitisedHtml;
  /** `eligibility` rendered like the description (meta repositories put links in it). */
  eligibilityHtml: SanitisedHtml;
  /** Already in this request's random order. */
  candidates: Candidate[];
  viewer: Viewer | null;
}

export function electionPage(ctx: PageContext, d: ElectionPageData): Html {
  const e = d.election;
  const eligibilityBadge = d.viewer
    ? html` <span class="badge ${d.viewer.eligible ? 'badge-eligible' : 'badge-ineligible'}">${d.viewer.eligible ? 'You are eligible' : 'Not eligible'}</span>` : '';
  return layout(ctx, {
    title: e.name,
    main: html`<div class="page-head">
${e.organization ? html`<p class="eyebrow">${e.organization}</p>` : ''}
<h1>${e.name}</h1>
<p class="badges">${statusBadge(d.status)}${eligibilityBadge}${d.viewer?.officer ? html` <span class="badge badge-officer">Officer</span>` : ''}</p>
${deadline(d)}
</div>
<div class="election-grid">
<div class="election-main">
<section class="panel" aria-labelledby="your-vote">
<h2 id="your-vote">Your vote</h2>
${yourVote(ctx, d)}
</section>
<section aria-labelledby="about" class="prose">
<h2 id="about">About this election</h2>
${d.descriptionHtml ? raw(d.descriptionHtml) : html`<p>No description.</p>`}
</section>
<section aria-labelledby="candidates">
<h2 id="candidates">Candidates</h2>
<p class="hint">Listed in a new random order each time.</p>
<ul class="candidate-list">${d.candidates.map((c) => html`<li><a href="${candidatePath(e.key, c.key)}">${c.name}</a></li>`)}</ul>
</section>
${d.eligibilityHtml ? html`<section aria-labelledby="who" class="prose"><h2 id="who">Who can vote</h2>${raw(d.eligibilityHtml)}</section>` : ''}
</div>
<aside class="election-side" aria-label="Dates and results">
<section class="panel" aria-labelledby="when">
<h2 id="when">Dates</h2>
<dl class="dates">
<dt>Voting opens</dt><dd>${dateTime(e.startAt)}</dd>
<dt>Voting closes</dt><dd>${dateTime(e.endAt)}</dd>
${d.viewer?.eligible ? '' : html`<dt>Exception requests until</dt><dd>${dateTime(e.exceptionDueAt)}</dd>`}
</dl>
<p class="hint">${winnersText(e.noWinners)}</p>
</section>
${d.status === 'closed' ? html`<section class="panel" aria-labelledby="results"><h2 id="results">Results</h2>${e.results
    ? html`<p><a class="button" href="${electionPath(e.key, '/results')}">Read the results</a></p>`
    : html`<p>The results have not been published yet.</p>`}</section>` : ''}
${d.viewer?.officer ? html`<section class="panel" aria-labelledby="officer"><h2 id="officer">Officers</h2><p><a class="button" href="${electionPath(e.key, '/admin')}">Officer console</a></p></section>` : ''}
</aside>
</div>`,
  });
}

/**
 * The deadline under the title, for everyone: on a phone the dates panel comes after the whole
 * page, and a voter deciding whether to vote now needs this line first.
 */
function deadline(d: ElectionPageData): Html {
  const e = d.election;
  if (d.status === 'closed') return html`<p class="status-line deadline">Voting closed ${dateTime(e.endAt)}</p>`;
  if (d.status === 'upcoming') return html`<p class="status-line deadline">Voting opens ${dateTime(e.startAt)} and closes ${dateTime(e.endAt)}</p>`;
  return html`<p class="status-line deadline">Voting closes ${dateTime(e.endAt)}</p>`;
}

function yourVote(ctx: PageContext, d: ElectionPageData): Html {
  const e = d.election;
  const v = d.viewer;
  if (!v) {
    return html`<p>Sign in with GitHub to see whether you can vote.</p>
<p><a class="button button-primary" href="/login?next=${encodeURIComponent(electionPath(e.key))}">Sign in</a></p>`;
  }
  if (v.voted) {
    const view = v.hasBallotLink
      ? html`<p>${d.status === 'open' ? 'With your passphrase you can look at your ballot, or revoke it and vote again until voting closes.' : 'With your passphrase you can look at your ballot.'}</p>
<form method="post" action="${electionPath(e.key, '/view')}" class="passphrase-form">
${csrfField(ctx)}
<div class="field"><label for="view-passphrase">Your passphrase</label>
<input type="password" id="view-passphrase" name="passphrase" required autocomplete="current-password"></div>
<button type="submit" class="button">View my ballot</button>
</form>`
      : html`<p>You voted without a passphrase (or the link to your ballot was removed after the count), so your ballot cannot be viewed or changed.</p>`;
    return html`<p class="status-line status-done">You have voted in this election.</p>${view}`;
  }
  if (!v.eligible) {
    return html`<p class="status-line">You are not on the voter list for this election.</p>
${v.exceptionRequestedAt ? html`<p>You asked for an exception on ${dateTime(v.exceptionRequestedAt)}. The election officers will review it.</p>` : ''}
${v.canRequestException ? html`<p>If you think you should be able to vote, ask the officers for an exception before ${dateTime(e.exceptionDueAt)}.</p>
<p><a class="button" href="${electionPath(e.key, '/exception')}">Request an exception</a></p>` : ''}`;
  }
  if (d.status === 'upcoming') return html`<p class="status-line">You can vote once voting opens on ${dateTime(e.startAt)}.</p>`;
  if (d.status === 'closed') return html`<p class="status-line">Voting has closed. You did not vote in this election.</p>`;
  // The deadline is right above, in the page head.
  return html`<p class="status-line">You have not voted yet.</p>
<p><a class="button button-primary" href="${electionPath(e.key, '/vote')}">Vote</a></p>`;
}
