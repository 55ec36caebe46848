import { html, type Html } from '../../shared/web/html.js';
import type { TallyRun } from '../../shared/db/repositories/tally-runs.repository.js';
import type { MethodName, TallyResult } from '../../shared/domain/condorcet/index.js';
import type { Election, ElectionStatus } from '../../shared/domain/election/election.js';
import { dateTime, electionPath } from './election-bits.js';
import { csrfField } from './forms.js';
import { pairwiseMatrix } from './pairwise-matrix.js';
import type { PageContext } from '../page-context.js';

export interface TallyView {
  election: Election;
  status: ElectionStatus;
  run: TallyRun<TallyResult> | null;
  /** Candidate key → display name. */
  names: ReadonlyMap<string, string>;
}

const METHOD_LABELS: Partial<Record<MethodName, string>> = {
  'schulze-winning': 'Schulze (winning votes)',
  'schulze-margin': 'Schulze (margins)',
  'schulze-ratio': 'Schulze (ratio)',
  'ranked-pairs-winning': 'Ranked pairs (winning votes)',
  'ranked-pairs-margin': 'Ranked pairs (margins)',
  irv: 'Instant-runoff voting',
  'kemeny-young': 'Kemeny–Young',
};

export const methodLabel = (m: string): string => METHOD_LABELS[m as MethodName] ?? m;

const listNames = (keys: readonly string[], names: ReadonlyMap<string, string>): string => {
  const n = keys.map((k) => names.get(k) ?? k);
  return n.length <= 1 ? n.join('') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
};

/**
 * The inside of the console's results section, also served alone as the htmx fragment that a
 * queued or running count polls every 2 s; the fragment without a poller ends the polling.
 */
export function tallyStatus(ctx: PageContext, v: TallyView): Html {
  const e = v.election;
  if (v.status !== 'closed') return html`<p>Results can be computed once voting closes, ${dateTime(e.endAt)}.</p>`;
  const run = v.run;
  if (run?.status === 'queued' || run?.status === 'running') {
    return html`<div class="tally-pending" hx-get="${electionPath(e.key, '/admin/tally')}" hx-trigger="every 2s" hx-target="#tally-status" hx-swap="innerHTML">
<p class="status-line"><span class="spinner" aria-hidden="true"></span> ${run.status === 'queued' ? 'The count is queued' : 'Counting the ballots'} (requested ${dateTime(run.createdAt)}).</p>
<p class="hint">This section updates by itself. Without JavaScript, <a href="${electionPath(e.key, '/admin/')}#results">reload the page</a>.</p>
</div>`;
  }
  if (run?.status === 'done' && run.result) return tallyResult(v, run as TallyRun<TallyResult> & { result: TallyResult });
  return html`${run?.status === 'failed' ? html`<p class="error-message" role="alert">The last count failed: ${run.error ?? 'unknown error'}</p>` : ''}
<form method="post" action="${electionPath(e.key, '/admin/results')}" class="compute-form">
${csrfField(ctx)}
<p>Counting uses ${methodLabel(e.method ?? 'schulze-winning')} for ${e.noWinners} ${e.noWinners === 1 ? 'seat' : 'seats'}. Candidates a voter left unranked are
${e.allowNoOpinion ? 'treated as "No opinion" (compared with no one)' : 'ranked below every candidate the voter ranked'}.</p>
<p class="hint">The result is stored, and the election is concluded: no vote or revoke is accepted afterwards, even if its end date is moved.${e.deleteAfter
    ? ' Because delete_after is set, the links between voters and their ballots are deleted, so voters can no longer view their ballot.' : ''}</p>
<button type="submit" class="button button-primary">${run?.status === 'failed' ? 'Try again' : 'Compute results'}</button>
</form>`;
}

function tallyResult(v: TallyView, run: TallyRun<TallyResult> & { result: TallyResult }): Html {
  const r = run.result;
  const { names } = v;
  const seats = r.seats ?? v.election.noWinners;
  let position = 1;
  const ranking = r.ranking.map((group) => {
    const item = html`<li value="${position}">${listNames(group, names)}${group.length > 1 ? html` <span class="muted">(tied)</span>` : ''}</li>`;
    position += group.length;
    return item;
  });
  const open = seats - r.winners.length;
  return html`<p class="status-line status-done">Counted ${run.finishedAt ? dateTime(run.finishedAt) : ''}: ${r.ballots} ${r.ballots === 1 ? 'ballot' : 'ballots'}, ${methodLabel(r.method)}.</p>
<div class="winners-box" role="group" aria-labelledby="winners-title">
<h3 id="winners-title">${seats === 1 ? 'Winner' : `Winners (${seats} seats)`}</h3>
${r.winners.length ? html`<p class="winners">${listNames(r.winners, names)}</p>` : html`<p>No candidate is certain of a seat.</p>`}
${r.tieAtCut ? html`<p class="tie-at-cut" role="note"><strong>Tie at the cut:</strong> ${listNames(r.tieAtCut, names)} are tied for the last ${open === 1 ? 'seat' : `${open} seats`}. The count cannot separate them; apply your organisation's tie-break rules.</p>` : ''}
${r.condorcetWinner ? html`<p class="hint">${names.get(r.condorcetWinner) ?? r.condorcetWinner} is the Condorcet winner: preferred to every other candidate head to head.</p>` : html`<p class="hint">There is no Condorcet winner: no candidate is preferred to every other one head to head.</p>`}
</div>
<h3>Ranking</h3>
<ol class="result-ranking">${ranking}</ol>
<h3>Pairwise matrix</h3>
${pairwiseMatrix(r.pairwise, r.ranking.flat(), names)}
<h3>Ballots</h3>
<p>The anonymised ballots, in a new random order for each download. To check this result, run
<code>urna tally FILE --method ${r.method} --winners ${seats}</code> on either file.</p>
<p class="actions"><a class="button" href="${electionPath(v.election.key, '/admin/download.csv')}" download>Download CSV (Elekto format)</a>
<a class="button" href="${electionPath(v.election.key, '/admin/download.blt')}" download>Download BLT</a></p>`;
}
