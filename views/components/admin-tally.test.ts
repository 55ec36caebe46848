import { describe, expect, it } from 'vitest';
import type { TallyRun } from '../../shared/db/repositories/tally-runs.repository.js';
import { tally, type TallyResult } from '../../shared/domain/condorcet/index.js';
import type { Election } from '../../shared/domain/election/election.js';
import type { PageContext } from '../page-context.js';
import { tallyStatus, type TallyView } from './admin-tally.js';

const ctx = { csrfToken: () => 'tok' } as unknown as PageContext;
const election = {
  key: 'board---2030', name: 'Board', noWinners: 2, method: null, allowNoOpinion: true, deleteAfter: false,
  endAt: new Date('2030-01-01T00:00:00Z'), concludedAt: null,
} as unknown as Election;
const names = new Map([['a', 'Ann'], ['b', 'Ben'], ['c', 'Cy'], ['d', 'Dee']]);
const publish = { path: 'elections/board/2030/results.md', branch: 'main' };
const view = (status: TallyView['status'], r: TallyRun<TallyResult> | null, more: Partial<TallyView> = {}): TallyView =>
  ({ election, status, run: r, names, ballots: 3, eligible: 4, publish, ...more });

function run(status: TallyRun['status'], result: TallyResult | null = null, error: string | null = null): TallyRun<TallyResult> {
  const at = new Date('2030-01-02T00:00:00Z');
  return { id: 'r1', electionId: 'e1', status, method: 'schulze-winning', requestedBy: null, result, error, attempts: 1, createdAt: at, startedAt: at, finishedAt: at };
}

describe('tallyStatus', () => {
  it('names a tie at the cut and numbers tied places like competitions (1, 2, 2, 4)', () => {
    // a first; b and c tied for second; d last. With 2 seats, b and c straddle the cut.
    const result = tally({ candidates: ['a', 'b', 'c', 'd'], ballots: [{ ranking: [['a'], ['b', 'c'], ['d']], count: 3 }] }, { winners: 2 });
    const out = tallyStatus(ctx, view('closed', run('done', result))).toString();
    expect(out).toContain('<p class="winners">Ann</p>');
    expect(out).toContain('<strong>Tie at the cut:</strong> Ben and Cy are tied for the last seat.');
    expect(out).toMatch(/<li value="1">Ann<\/li><li value="2">Ben and Cy <span class="muted">\(tied\)<\/span><\/li><li value="4">Dee<\/li>/);
    expect(out).toContain('Ann is the Condorcet winner');
  });

  it('polls while queued or running, and offers a retry with the error after a failure', () => {
    for (const s of ['queued', 'running'] as const) {
      expect(tallyStatus(ctx, view('closed', run(s))).toString())
        .toContain('hx-get="/app/elections/board---2030/admin/tally" hx-trigger="every 2s"');
    }
    const failed = tallyStatus(ctx, view('closed', run('failed', null, 'unknown candidate \'zed\''))).toString();
    expect(failed).toContain('The last count failed: unknown candidate &#39;zed&#39;');
    expect(failed).toContain('>Try again…</a>');
    expect(failed).not.toContain('hx-trigger');
  });

  it('offers nothing to compute before the close', () => {
    const out = tallyStatus(ctx, view('open', null)).toString();
    expect(out).toContain('Results can be computed once voting closes');
    expect(out).not.toContain('<form');
  });

  it('offers the count as a step to confirm, with the number of ballots, and says when there are none', () => {
    const out = tallyStatus(ctx, view('closed', null)).toString();
    expect(out).toContain('<strong>3 ballots</strong> are waiting to be counted.');
    // A link: it leads to the confirmation, and counts nothing by itself.
    expect(out).toContain('<a class="button button-primary" href="/app/elections/board---2030/admin/results">Compute results…</a>');
    expect(out).not.toContain('<form');
    expect(tallyStatus(ctx, view('closed', null, { ballots: 0 })).toString()).toContain('<strong>No ballot was cast.</strong>');
  });

  it('shows a count of no ballots as such: no green winner box, no tie, no ranking', () => {
    const result = tally({ candidates: ['a', 'b'], ballots: [] }, { winners: 1 });
    const out = tallyStatus(ctx, view('closed', run('done', result), { ballots: 0 })).toString();
    expect(out).toContain('Counted <time');
    expect(out).toContain(': 0 ballots, Schulze (winning votes).');
    expect(out).toContain('No ballots were cast, so no candidate was elected.');
    expect(out).not.toMatch(/winners-box|Winner|Tie at the cut|result-ranking|pairwise|download\.csv/);
    // The draft to publish says the same.
    expect(out).toContain('No ballots were cast, so no candidate was elected.\n\n0 of 4 eligible voters cast a ballot (0 %).');
  });

  it('offers the draft results.md to copy or download, with the path and branch to commit it to', () => {
    const result = tally({ candidates: ['a', 'b'], ballots: [{ ranking: [['b'], ['a']], count: 2 }] }, { winners: 1 });
    const out = tallyStatus(ctx, view('closed', run('done', result))).toString();
    expect(out).toContain('<h3 id="publish">Publish the results</h3>');
    expect(out).toContain('as <code class="results-path">elections/board/2030/results.md</code> on the branch <code>main</code>');
    expect(out).toContain('<button type="button" class="button" data-copy-from="results-md" hidden>Copy results.md</button>');
    expect(out).toContain('<a class="button" href="/app/elections/board---2030/admin/results.md" download>Download results.md</a>');
    expect(out).toMatch(/<textarea id="results-md"[^>]*readonly[^>]*># Results: Board\n\n\*\*Elected:\*\* Ben\n/);
    const published = tallyStatus(ctx, view('closed', run('done', result), { election: { ...election, results: '# Results' } })).toString();
    expect(published).toContain('Published: the meta repository has this election\'s results.md');
    expect(published).not.toContain('publish-steps');
  });
});
