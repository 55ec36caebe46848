import { html, type Html } from '../../shared/web/html.js';
import type { Election } from '../../shared/domain/election/election.js';
import { countingRules } from '../components/admin-tally.js';
import { electionPath } from '../components/election-bits.js';
import { csrfField } from '../components/forms.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface ComputeConfirmData {
  election: Election;
  /** Ballots in the box now: the number the form sends back, so the count is of what was shown. */
  ballots: number;
  eligible: number;
  /** Set when the confirmation came back because the number of ballots changed meanwhile. */
  changedFrom?: number;
  stylesheet: string;
}

/**
 * The confirmation before the count, a page of its own so it works without JavaScript: what will
 * be counted, and what can never be undone. Elekto's "Generate Results" was a GET of this path.
 */
export function computeConfirmPage(ctx: PageContext, d: ComputeConfirmData): Html {
  const e = d.election;
  const consolePath = `${electionPath(e.key, '/admin/')}#results`;
  const n = d.ballots;
  return layout(ctx, {
    title: `Compute results · ${e.name}`,
    main: html`<link rel="stylesheet" href="${d.stylesheet}">
<p class="back-link"><a href="${consolePath}">Officer console</a></p>
<div class="page-head">
<p class="eyebrow">Officer console · ${e.name}</p>
<h1>Count the ballots now?</h1>
</div>
${d.changedFrom !== undefined
    ? html`<p class="error-message" role="alert">The number of ballots changed since you looked: it was ${d.changedFrom}, it is now ${n}. Nothing was counted. Check the figures below and confirm again.</p>` : ''}
<section class="panel" aria-labelledby="what-happens">
<h2 id="what-happens">What happens</h2>
<ul class="confirm-facts">
<li>${n === 0
    ? html`<strong>No ballot was cast.</strong> Counting records that nobody voted: no candidate is elected.`
    : html`<strong>${n} ${n === 1 ? 'ballot' : 'ballots'} will be counted</strong> (${n} of ${d.eligible} eligible ${d.eligible === 1 ? 'voter' : 'voters'} voted).`}</li>
<li><strong>Voting can never reopen.</strong> The election is concluded: no vote or revoke is accepted afterwards, even if its end date is moved in election.yaml.</li>
<li><strong>The count is final.</strong> It runs once, and its result is stored as it is; it cannot be computed again.</li>
<li>The ballots are opened and stored in a new random order. After the count you can download them, anonymised.</li>
${e.deleteAfter ? html`<li>Because <code>delete_after</code> is set, the links between voters and their ballots are deleted: voters can no longer view their ballot.</li>` : ''}
</ul>
<p>${countingRules(e)}</p>
<form method="post" action="${electionPath(e.key, '/admin/results')}" class="actions">
${csrfField(ctx)}
<input type="hidden" name="ballots" value="${n}">
<button type="submit" class="button button-primary">${n === 0 ? 'Conclude with no ballots' : `Count ${n} ${n === 1 ? 'ballot' : 'ballots'} now`}</button>
<a class="button" href="${consolePath}">Cancel</a>
</form>
</section>`,
  });
}
