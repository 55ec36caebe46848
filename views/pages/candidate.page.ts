import { html, raw, type Html, type SanitisedHtml } from '../../shared/web/html.js';
import type { Candidate, Election } from '../../shared/domain/election/election.js';
import { electionPath } from '../components/election-bits.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** A candidate's profile: the fields the election shows (`show_candidate_fields`, in order), then the bio. */
export function candidatePage(ctx: PageContext, d: { election: Election; candidate: Candidate; bioHtml: SanitisedHtml }): Html {
  const { election: e, candidate: c } = d;
  const fields = e.showCandidateFields;
  return layout(ctx, {
    title: `${c.name} · ${e.name}`,
    main: html`<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<div class="page-head">
<h1>${c.name}</h1>
<p class="candidate-id">Candidate ID: <code>${c.key}</code></p>
</div>
${fields.length ? html`<dl class="fields">${fields.map((f) => html`<div><dt>${f}</dt><dd>${c.info[f]?.trim() ? c.info[f] : html`<span class="muted">Not given</span>`}</dd></div>`)}</dl>` : ''}
<section aria-labelledby="bio" class="prose">
<h2 id="bio">Profile</h2>
${d.bioHtml ? raw(d.bioHtml) : html`<p class="muted">No profile submitted.</p>`}
</section>`,
  });
}
