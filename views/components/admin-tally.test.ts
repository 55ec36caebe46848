import { describe, expect, it } from 'vitest';
import type { TallyRun } from '../../shared/db/repositories/tally-runs.repository.js';
import { tally, type TallyResult } from '../../shared/domain/condorcet/index.js';
import type { Election } from '../../shared/domain/election/election.js';
import type { PageContext } from '../page-context.js';
import { tallyStatus } from './admin-tally.js';

const ctx = { csrfToken: () => 'tok' } as unknown as PageContext;
const election = {
  key: 'board---2030', name: 'Board', noWinners: 2, method: null, allowNoOpinion: true, deleteAfter: false,
  endAt: new Date('2030-01-01T00:00:00Z'), concludedAt: null,
} as unknown as Election;
const names = new Map([['a', 'Ann'], ['b', 'Ben'], ['c', 'Cy'], ['d', 'Dee']]);

function run(status: TallyRun['status'], result: TallyResult | null = null, error: string | null = null): TallyRun<TallyResult> {
  const at = new Date('2030-01-02T00:00:00Z');
  return { id: 'r1', electionId: 'e1', status, method: 'schulze-winning', requestedBy: null, result, error, attempts: 1, createdAt: at, startedAt: at, finishedAt: at };
}

describe('tallyStatus', () => {
  it('names a tie at the cut and numbers tied places like competitions (1, 2, 2, 4)', () => {
    // a first; b and c tied for second; d last. With 2 seats, b and c straddle the cut.
    const result = tally({ candidates: ['a', 'b', 'c', 'd'], ballots: [{ ranking: [['a'], ['b', 'c'], ['d']], count: 3 }] }, { winners: 2 });
    const out = tallyStatus(ctx, { election, status: 'closed', run: run('done', result), names }).toString();
    expect(out).toContain('<p class="winners">Ann</p>');
    expect(out).toContain('<strong>Tie at the cut:</strong> Ben and Cy are tied for the last seat.');
    expect(out).toMatch(/<li value="1">Ann<\/li><li value="2">Ben and Cy <span class="muted">\(tied\)<\/span><\/li><li value="4">Dee<\/li>/);
    expect(out).toContain('Ann is the Condorcet winner');
  });

  it('polls while queued or running, and offers a retry with the error after a failure', () => {
    for (const s of ['queued', 'running'] as const) {
      expect(tallyStatus(ctx, { election, status: 'closed', run: run(s), names }).toString())
        .toContain('hx-get="/app/elections/board---2030/admin/tally" hx-trigger="every 2s"');
    }
    const failed = tallyStatus(ctx, { election, status: 'closed', run: run('failed', null, 'unknown candidate \'zed\''), names }).toString();
    expect(failed).toContain('The last count failed: unknown candidate &#39;zed&#39;');
    expect(failed).toContain('>Try again</button>');
    expect(failed).not.toContain('hx-trigger');
  });

  it('offers nothing to compute before the close', () => {
    const out = tallyStatus(ctx, { election, status: 'open', run: null, names }).toString();
    expect(out).toContain('Results can be computed once voting closes');
    expect(out).not.toContain('<form');
  });
});
