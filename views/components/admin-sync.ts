import { html, type Html } from '../../shared/web/html.js';
import type { SyncRun } from '../../shared/db/repositories/sync-runs.repository.js';
import type { Election } from '../../shared/domain/election/election.js';
import { dateTime, electionPath } from './election-bits.js';
import { csrfField } from './forms.js';
import type { PageContext } from '../page-context.js';

const SYNC_STATUS: Record<SyncRun['status'], string> = {
  running: 'running', done: 'done', skipped: 'no change since the previous sync', failed: 'failed',
};

/**
 * The latest sync of the meta repository, this election's problems, and the "sync now" button:
 * the inside of the console's sync panel, also served alone as the htmx fragment that polls every
 * 2 s while a sync is queued or running (`pending`); the fragment without a poller ends the polling.
 */
export function adminSync(ctx: PageContext, e: Election, run: SyncRun | null, pending: boolean): Html {
  const problems = e.problems;
  return html`${pending
    ? html`<div class="sync-pending" hx-get="${electionPath(e.key, '/admin/sync-status')}" hx-trigger="every 2s" hx-target="#sync-status" hx-swap="innerHTML">
<p class="status-line"><span class="spinner" aria-hidden="true"></span> A sync of the meta repository is queued or running.</p>
<p class="hint">This panel updates by itself when it is done. Without JavaScript, <a href="${electionPath(e.key, '/admin/')}#sync">reload the page</a>.</p>
</div>` : ''}
${run
    ? html`<dl class="dates">
<dt>Last sync</dt><dd>${dateTime(run.finishedAt ?? run.startedAt)} (${SYNC_STATUS[run.status]}, started by ${run.trigger})</dd>
<dt>Commit</dt><dd>${run.metaCommit ? html`<code>${run.metaCommit.slice(0, 12)}</code>` : html`<span class="muted">unknown</span>`}</dd>
<dt>This election's commit</dt><dd>${e.metaCommit ? html`<code>${e.metaCommit.slice(0, 12)}</code>` : html`<span class="muted">unknown</span>`}</dd>
</dl>
${run.error ? html`<p class="error-message">${run.error}</p>` : ''}`
    : html`<p>The meta repository has not been synced yet.</p>`}
${e.broken ? html`<p class="error-message" role="alert">The election's files in the repository are broken. Urna keeps showing the last good version until they are fixed.</p>` : ''}
${problems.length
    ? html`<h3>Problems in this election's files</h3>
<ul class="sync-problems">${problems.map((p) => html`<li><span class="badge ${p.level === 'error' ? 'badge-ineligible' : 'badge-upcoming'}">${p.level}</span> <code>${p.path}${p.line ? `:${p.line}` : ''}</code> ${p.message}</li>`)}</ul>`
    : html`<p class="hint">No problems in this election's files.</p>`}
<form method="post" action="${electionPath(e.key, '/admin/sync')}" class="inline-form">
${csrfField(ctx)}
<button type="submit" class="button">Sync now</button>
</form>`;
}
