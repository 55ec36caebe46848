import { html, type Html } from '../../shared/web/html.js';
import { fieldName, type Choices } from '../../shared/domain/election/ballot-form.js';
import type { Ranking } from '../../shared/db/repositories/votes.repository.js';
import type { Candidate, Election } from '../../shared/domain/election/election.js';
import { dateTime, electionPath } from '../components/election-bits.js';
import { csrfField, errorSummary, textField } from '../components/forms.js';
import { rankingSummary } from '../components/ranking-summary.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface ReviewData {
  election: Election;
  candidates: Candidate[];
  choices: Choices;
  ranking: Ranking;
  errors: string[];
  fieldErrors?: { passphrase?: string; passphraseConfirm?: string };
}

/** The choices again, as hidden fields: the review step keeps the ballot in the page, not the session. */
function carriedChoices(d: ReviewData): Html {
  return html`${d.candidates.map((c) => html`<input type="hidden" name="${fieldName(c.key)}" value="${String(d.choices[c.key] ?? '')}">`)}`;
}

export function voteReviewPage(ctx: PageContext, d: ReviewData): Html {
  const e = d.election;
  const names = new Map(d.candidates.map((c) => [c.key, c.name]));
  const min = ctx.minPasscodeLength;
  return layout(ctx, {
    title: `Check your ballot · ${e.name}`,
    main: html`<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<h1>Check your ballot</h1>
${errorSummary(d.errors)}
<section class="panel" aria-labelledby="your-ranking">
<h2 id="your-ranking">Your ranking</h2>
${rankingSummary(d.ranking, names)}
<form method="post" action="${electionPath(e.key, '/vote/review')}">
${csrfField(ctx)}${carriedChoices(d)}
<button type="submit" name="action" value="edit" class="button">Change my ranking</button>
</form>
</section>
<form method="post" action="${electionPath(e.key, '/vote')}" class="cast-form">
${csrfField(ctx)}${carriedChoices(d)}
<fieldset class="panel">
<legend><h2>Protect your ballot (optional)</h2></legend>
<p>With a passphrase you can look at your ballot later, or revoke it and vote again until voting closes ${dateTime(e.endAt)}. Nobody can recover a lost passphrase, not even the election officers.</p>
<p><strong>Without a passphrase your vote is final:</strong> nobody, you included, can view or change it afterwards.</p>
${textField({ name: 'passphrase', label: 'Passphrase', type: 'password', autocomplete: 'new-password', minLength: min, hint: `At least ${min} characters, or leave both boxes empty.`, error: d.fieldErrors?.passphrase })}
${textField({ name: 'passphrase_confirm', label: 'Repeat the passphrase', type: 'password', autocomplete: 'new-password', minLength: min, error: d.fieldErrors?.passphraseConfirm })}
</fieldset>
<div class="form-actions">
<button type="submit" class="button button-primary">Cast my ballot</button>
</div>
</form>`,
  });
}
