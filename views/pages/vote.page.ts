import { html, type Html } from '../../shared/web/html.js';
import { fieldName, NO_OPINION, type Choices } from '../../shared/domain/election/ballot-form.js';
import type { Candidate, Election } from '../../shared/domain/election/election.js';
import { candidatePath, dateTime, electionPath, winnersText } from '../components/election-bits.js';
import { csrfField, errorSummary } from '../components/forms.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface BallotFormData {
  election: Election;
  /** In this request's random order; ranked candidates are moved to the top in rank order. */
  candidates: Candidate[];
  choices: Choices;
  errors: string[];
}

/**
 * The ballot. The numeric <select>s are the real form fields, so it works without JavaScript;
 * ballot.js turns the list into a drag-and-drop and keyboard ranking kept in step with them.
 */
export function votePage(ctx: PageContext, d: BallotFormData): Html {
  const e = d.election;
  const n = d.candidates.length;
  const rankOf = (c: Candidate) => (typeof d.choices[c.key] === 'number' ? (d.choices[c.key] as number) : Infinity);
  const ordered = [...d.candidates].sort((a, b) => rankOf(a) - rankOf(b));
  return layout(ctx, {
    title: `Vote · ${e.name}`,
    scripts: ['ballot'],
    main: html`<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<h1>Your ballot</h1>
${errorSummary(d.errors)}
<div class="ballot-intro">
<p>${winnersText(e.noWinners)} Voting closes ${dateTime(e.endAt)}.</p>
<ul id="ballot-help">
<li>Give your favourite candidate <strong>1</strong>, your next choice <strong>2</strong>, and so on.</li>
<li>Give the same number to candidates you like equally: that is a tie.</li>
${e.allowNoOpinion
    ? html`<li><strong>No opinion</strong> is not your lowest rank: it leaves the candidate out of your ballot, neither above nor below anyone.</li>`
    : html`<li>This election asks you to rank every candidate.</li>`}
</ul>
</div>
<form method="post" action="${electionPath(e.key, '/vote/review')}" class="ballot-form" data-ballot-form>
${csrfField(ctx)}
<fieldset class="ballot" data-ballot data-allow-no-opinion="${String(e.allowNoOpinion)}" aria-describedby="ballot-help">
<legend class="visually-hidden">Rank the candidates</legend>
<ol class="ballot-items" role="list">
${ordered.map((c, i) => ballotItem(e, c, i, n, d.choices[c.key] ?? ''))}
</ol>
</fieldset>
<div class="form-actions">
<button type="submit" class="button button-primary">Review my ballot</button>
</div>
</form>`,
  });
}

function ballotItem(e: Election, c: Candidate, index: number, n: number, choice: Choices[string]): Html {
  const id = `rank-${index}`;
  const selected = (v: string) => (String(choice) === v ? html` selected` : '');
  return html`<li class="ballot-item" data-key="${c.key}" data-name="${c.name}">
<div class="ballot-item-main">
<label class="candidate-name" for="${id}">${c.name}</label>
<a class="profile-link" href="${candidatePath(e.key, c.key)}" target="_blank" rel="noopener">Profile<span class="visually-hidden"> of ${c.name} (opens in a new tab)</span></a>
</div>
<div class="rank-control">
<span class="rank-label" aria-hidden="true">Rank</span>
<select id="${id}" name="${fieldName(c.key)}" class="rank-select">
${e.allowNoOpinion ? '' : html`<option value=""${selected('')}>Choose…</option>`}
${Array.from({ length: n }, (_, r) => html`<option value="${r + 1}"${selected(String(r + 1))}>${r + 1}</option>`)}
${e.allowNoOpinion ? html`<option value="${NO_OPINION}"${choice === '' || choice === NO_OPINION ? html` selected` : ''}>No opinion</option>` : ''}
</select>
</div>
</li>`;
}
