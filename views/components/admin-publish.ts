import { html, type Html } from '../../shared/web/html.js';
import { resultsMarkdown } from '../../shared/domain/election/results-markdown.js';
import { electionPath } from './election-bits.js';
import type { DoneTallyView } from './admin-tally.js';
import type { PageContext } from '../page-context.js';

/** The draft results.md of a finished count: what the console shows and the download serves. */
export function resultsDraft(v: DoneTallyView): string {
  return resultsMarkdown({ electionName: v.election.name, result: v.run.result, names: v.names, eligible: v.eligible });
}

/**
 * Publishing as Elekto does it (a results.md committed to the meta repository), in one step:
 * the draft to copy or download, and the exact path and branch to commit it to. The copy button
 * needs admin.js; without it the text area is there to select and copy.
 */
export function adminPublish(_ctx: PageContext, v: DoneTallyView): Html {
  const e = v.election;
  const { path, branch } = v.publish;
  const resultsPage = electionPath(e.key, '/results');
  return html`<h3 id="publish">Publish the results</h3>
${e.results
    ? html`<p class="status-line status-done">Published: the meta repository has this election's results.md, shown on the <a href="${resultsPage}">public results page</a>.</p>
<p class="hint">To change it, commit a new version of <code>${path}</code>. The draft below is what the count says.</p>`
    : html`<p>Results are published the way Elekto publishes them: as a file in the meta repository.</p>
<ol class="publish-steps">
<li>Check the draft below and add what your election's rules need (a tie-break, for example).</li>
<li>Commit it to the meta repository as <code class="results-path">${path}</code> on the branch <code>${branch}</code>.</li>
<li>After the next sync (the webhook starts one, or use <a href="#sync">Sync now</a>), the <a href="${resultsPage}">public results page</a> shows it.</li>
</ol>`}
<p class="actions">
<button type="button" class="button" data-copy-from="results-md" hidden>Copy results.md</button>
<a class="button" href="${electionPath(e.key, '/admin/results.md')}" download>Download results.md</a>
</p>
<p class="copy-status" role="status" data-copy-status></p>
<div class="field">
<label for="results-md">Draft results.md</label>
<textarea id="results-md" class="results-draft" rows="18" readonly spellcheck="false">${resultsDraft(v)}</textarea>
</div>`;
}
