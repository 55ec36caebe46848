import { html, raw, type Html, type SanitisedHtml } from '../../shared/web/html.js';
import type { Election } from '../../shared/domain/election/election.js';
import { electionPath } from '../components/election-bits.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** The officers' published `results.md`, shown once the election has closed. */
export function resultsPage(ctx: PageContext, d: { election: Election; resultsHtml: SanitisedHtml }): Html {
  return layout(ctx, {
    title: `Results · ${d.election.name}`,
    main: html`<p class="back-link"><a href="${electionPath(d.election.key)}">${d.election.name}</a></p>
<h1>Results</h1>
<section class="prose" aria-label="Published results">${raw(d.resultsHtml)}</section>`,
  });
}
