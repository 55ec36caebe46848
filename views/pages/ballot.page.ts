import { html, type Html } from '../../shared/web/html.js';
import type { Ranking } from '../../shared/db/repositories/votes.repository.js';
import type { Candidate, Election } from '../../shared/domain/election/election.js';
import { dateTime, electionPath } from '../components/election-bits.js';
import { csrfField, errorSummary } from '../components/forms.js';
import { rankingSummary } from '../components/ranking-summary.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function confirmationPage(ctx: PageContext, d: { election: Election; withPassphrase: boolean }): Html {
  const e = d.election;
  return layout(ctx, {
    title: `Thank you · ${e.name}`,
    main: html`<div class="message-page">
<h1>Thank you for voting</h1>
<p class="lead">Your ballot in <strong>${e.name}</strong> has been cast.</p>
${d.withPassphrase
    ? html`<p>Keep your passphrase: with it you can view your ballot, or revoke it and vote again until ${dateTime(e.endAt)}.</p>`
    : html`<p>You did not set a passphrase, so your ballot cannot be viewed or changed.</p>`}
<div class="actions"><a class="button" href="${electionPath(e.key)}">Back to the election</a></div>
</div>`,
  });
}

function passphraseField(id: string): Html {
  return html`<div class="field"><label for="${id}">Your passphrase</label>
<input type="password" id="${id}" name="passphrase" required autocomplete="current-password"></div>`;
}

/** GET /view, and the view form again after a wrong passphrase (with `errors`). */
export function viewBallotFormPage(ctx: PageContext, d: { election: Election; errors: string[]; action?: 'view' | 'revoke' }): Html {
  const e = d.election;
  const revoke = d.action === 'revoke';
  return layout(ctx, {
    title: `${revoke ? 'Revoke' : 'View'} your ballot · ${e.name}`,
    main: html`<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<h1>${revoke ? 'Revoke your ballot' : 'View your ballot'}</h1>
${errorSummary(d.errors)}
<form method="post" action="${electionPath(e.key, revoke ? '/revoke' : '/view')}" class="passphrase-form">
${csrfField(ctx)}
${passphraseField('passphrase')}
<button type="submit" class="button ${revoke ? 'button-danger' : 'button-primary'}">${revoke ? 'Revoke my ballot' : 'View my ballot'}</button>
</form>`,
  });
}

/** `ranking` is null for a ballot cast before ballots were sealed: its link holds only the ballot id. */
export function ballotPage(ctx: PageContext, d: { election: Election; candidates: Candidate[]; ranking: Ranking | null; canRevoke: boolean }): Html {
  const e = d.election;
  const names = new Map(d.candidates.map((c) => [c.key, c.name]));
  return layout(ctx, {
    title: `Your ballot · ${e.name}`,
    main: html`<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<h1>Your ballot</h1>
<section class="panel" aria-labelledby="ranking"><h2 id="ranking">Your ranking</h2>${d.ranking
    ? rankingSummary(d.ranking, names)
    : html`<p>Your ballot is in the ballot box. It was cast before this server sealed ballots, so its ranking cannot be shown here.</p>`}</section>
${d.canRevoke ? html`<section class="panel panel-warning" aria-labelledby="revoke">
<h2 id="revoke">Revoke and vote again</h2>
<p>Revoking deletes this ballot. You can then cast a new one until ${dateTime(e.endAt)}. Enter your passphrase again to confirm.</p>
<form method="post" action="${electionPath(e.key, '/revoke')}" class="passphrase-form">
${csrfField(ctx)}
${passphraseField('revoke-passphrase')}
<button type="submit" class="button button-danger">Revoke my ballot</button>
</form>
</section>` : html`<p>Voting has closed, so this ballot can no longer be changed.</p>`}`,
  });
}
