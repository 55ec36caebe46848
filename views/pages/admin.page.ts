import { html, type Html } from '../../shared/web/html.js';
import type { ExceptionRequest } from '../../shared/db/repositories/exception-requests.repository.js';
import type { SyncRun } from '../../shared/db/repositories/sync-runs.repository.js';
import { adminExceptions } from '../components/admin-exceptions.js';
import { adminSync } from '../components/admin-sync.js';
import { tallyStatus, type TallyView } from '../components/admin-tally.js';
import { adminTurnout } from '../components/admin-turnout.js';
import { dateTime, electionPath, statusBadge } from '../components/election-bits.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface AdminPageData extends TallyView {
  voted: number;
  requests: ExceptionRequest[];
  syncRun: SyncRun | null;
  /** A sync is queued or running: the sync panel polls until it is done. */
  syncPending: boolean;
  /** URLs of the console's own stylesheet (progress and heat-map colours) and script (copy button). */
  stylesheet: string;
  script: string;
}

/**
 * The officer console (Elekto's /admin/): turnout, sync, results, exception requests. When a sync
 * the panel was polling finishes, its fragment fires `urna-synced`, and the results section
 * reloads too (a results.md that sync brought in shows as published).
 */
export function adminPage(ctx: PageContext, d: AdminPageData): Html {
  const e = d.election;
  return layout(ctx, {
    title: `Officer console · ${e.name}`,
    main: html`<link rel="stylesheet" href="${d.stylesheet}">
<script src="${d.script}" nonce="${ctx.nonce}" defer></script>
<p class="back-link"><a href="${electionPath(e.key)}">${e.name}</a></p>
<div class="page-head">
<p class="eyebrow">Officer console</p>
<h1>${e.name}</h1>
<p class="badges">${statusBadge(d.status)}${e.concludedAt ? html` <span class="badge badge-officer">Concluded ${dateTime(e.concludedAt)}</span>` : ''}</p>
</div>
<div class="admin-grid">
<section class="panel" aria-labelledby="turnout">
<h2 id="turnout">Turnout</h2>
${adminTurnout(d.voted, d.eligible)}
<p class="hint">Voting ${d.status === 'upcoming' ? 'opens' : 'opened'} ${dateTime(e.startAt)} and ${d.status === 'closed' ? 'closed' : 'closes'} ${dateTime(e.endAt)}.</p>
</section>
<section class="panel" aria-labelledby="sync">
<h2 id="sync">Meta repository</h2>
<div id="sync-status" aria-live="polite">${adminSync(ctx, e, d.syncRun, d.syncPending)}</div>
</section>
</div>
<section class="panel" aria-labelledby="results" id="results-section">
<h2 id="results">Results</h2>
<div id="tally-status" aria-live="polite" hx-get="${electionPath(e.key, '/admin/tally')}" hx-trigger="urna-synced from:body">${tallyStatus(ctx, d)}</div>
</section>
<section aria-labelledby="requests">
<h2 id="requests">Exception requests (${d.requests.length})</h2>
${adminExceptions(ctx, e, d.requests)}
</section>`,
  });
}
