import { html, type Html } from '../../shared/web/html.js';
import type { TallyRun } from '../../shared/db/repositories/tally-runs.repository.js';
import { methodLabel, unrankedRuleText, type TallyResult } from '../../shared/domain/condorcet/index.js';
import type { Election, ElectionStatus } from '../../shared/domain/election/election.js';
import { unrankedRuleFor } from '../../shared/domain/election/tally-rules.js';
import { adminPublish } from './admin-publish.js';
import { dateTime, electionPath } from './election-bits.js';
import { pairwiseMatrix } from './pairwise-matrix.js';
import type { PageContext } from '../page-context.js';

export interface TallyView {
  election: Election;
  status: ElectionStatus;
  run: TallyRun<TallyResult> | null;
  /** Candidate key → display name. */
  names: ReadonlyMap<string, string>;
  /** Ballots in the box: what a count would count, or what it counted. */
  ballots: number;
  /** Eligible voters now (voters.yaml). */
  eligible: number;
  /** Where the officers commit results.md in the meta repository. */
  publish: { path: string; branch: string };
}

export type DoneTallyView = TallyView & { run: TallyRun<TallyResult> & { result: TallyResult } };

const listNames = (keys: readonly string[], names: ReadonlyMap<string, string>): string => {
  const n = keys.map((k) => names.get(k) ?? k);
  return n.length <= 1 ? n.join('') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
};

const ballotsText = (n: number): string => `${n} ${n === 1 ? 'ballot' : 'ballots'}`;

/** How the count will run: the method, the seats and what an unranked candidate means. */
export function countingRules(e: Election): Html {
  return html`Counting uses ${methodLabel(e.method ?? 'schulze-winning')} for ${e.noWinners} ${e.noWinners === 1 ? 'seat' : 'seats'}. Candidates a voter left unranked are
${unrankedRuleText(unrankedRuleFor(e))}.`;
}

export const isDone = (v: TallyView): v is DoneTallyView => v.run?.status === 'done' && v.run.result !== null;

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
  if (isDone(v)) return tallyResult(ctx, v);
  // The confirmation (GET of the same path) says what the count does before anything happens.
  return html`${run?.status === 'failed' ? html`<p class="error-message" role="alert">The last count failed: ${run.error ?? 'unknown error'}</p>` : ''}
<p>Voting closed ${dateTime(e.endAt)}. ${v.ballots === 0
    ? html`<strong>No ballot was cast.</strong>`
    : html`<strong>${ballotsText(v.ballots)}</strong> ${v.ballots === 1 ? 'is' : 'are'} waiting to be counted.`}</p>
<p class="actions"><a class="button button-primary" href="${electionPath(e.key, '/admin/results')}">${run?.status === 'failed' ? 'Try again…' : 'Compute results…'}</a></p>
<p class="hint">You will be asked to confirm first: the count is final, and voting can never reopen after it.</p>`;
}

function tallyResult(ctx: PageContext, v: DoneTallyView): Html {
  const { run, names } = v;
  const r = run.result;
  const counted = html`<p class="status-line status-done">Counted ${run.finishedAt ? dateTime(run.finishedAt) : ''}: ${ballotsText(r.ballots)}, ${methodLabel(r.method)}.</p>
<p><a href="#publish">Publish the results</a>: a draft results.md is ready below.</p>`;
  if (r.ballots === 0) {
    // On no ballots every candidate ties; that is no winner, and no green box says otherwise.
    return html`${counted}
<div class="no-ballots-box" role="note">
<h3>No ballots</h3>
<p>No ballots were cast, so no candidate was elected. There is no ranking, matrix or ballot file to show.</p>
</div>
${adminPublish(ctx, v)}`;
  }
  const seats = r.seats ?? v.election.noWinners;
  let position = 1;
  const ranking = r.ranking.map((group) => {
    const item = html`<li value="${position}">${listNames(group, names)}${group.length > 1 ? html` <span class="muted">(tied)</span>` : ''}</li>`;
    position += group.length;
    return item;
  });
  const open = seats - r.winners.length;
  return html`${counted}
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
<a class="button" href="${electionPath(v.election.key, '/admin/download.blt')}" download>Download BLT</a></p>
${adminPublish(ctx, v)}`;
}
