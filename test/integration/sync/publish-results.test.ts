import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyElectionProcessor } from '../../../services/tally-worker/tally-election.processor.js';
import { DAY, metaDate } from '../../support/meta-dates.js';
import { candidateMd, electionYaml, votersYaml } from '../../support/meta-git-repo.js';
import { startSyncedWebApp, type SyncedWebApp } from '../../support/synced-web-app.js';
import { waitFor } from '../../support/wait-for.js';
import { csrfFrom, type Agent } from '../../support/web-app.js';
import { castHandBallots } from '../tally/tally-test-kit.js';

// Publishing as Elekto does it, made one step: the console's draft results.md, committed to the
// meta repository at the path the console names, is on the public results page after a sync.

const CONSOLE = '/app/elections/board---2030/admin/';
const RESULTS = '/app/elections/board---2030/results';

describe('publishing the drafted results.md through the meta repository', () => {
  let t: SyncedWebApp;
  let officer: Agent;

  beforeAll(async () => {
    t = await startSyncedWebApp({
      'elections/board/2030/election.yaml': electionYaml({
        name: 'Board 2030', no_winners: '2', election_officers: '\n  - officer-one', delete_after: 'True',
        start_datetime: metaDate(-2 * DAY), end_datetime: metaDate(-3_600_000), exception_due: metaDate(-2 * DAY),
      }),
      'elections/board/2030/voters.yaml': votersYaml(Array.from({ length: 15 }, (_, i) => `voter${i + 1}`)),
      'elections/board/2030/candidate-alice.md': candidateMd('alice', 'Alice A.'),
      'elections/board/2030/candidate-bob.md': candidateMd('bob', 'Bob B.'),
      'elections/board/2030/candidate-carol.md': candidateMd('carol', 'Carol C.'),
    });
    await castHandBallots(t.kernel.repos, (await t.kernel.repos.elections.findByKey('board---2030'))!, 'board');
    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    await t.consume(['tally']);
    officer = t.agent();
    await t.login(officer, 'officer-one');
  }, 60_000);
  afterAll(async () => { await t?.close(); });

  it('counts, drafts, and shows the committed draft on the results page after "Sync now"', async () => {
    expect((await officer.get(RESULTS)).status).toBe(404);
    const confirm = await officer.get(`${CONSOLE}results`);
    expect((await officer.post(`${CONSOLE}results`).type('form').send({ _csrf: csrfFrom(confirm.text), ballots: '11' })).status).toBe(303);
    await waitFor(async () => (await officer.get(`${CONSOLE}tally`).set('HX-Request', 'true')).text.includes('Publish the results'), 15_000);

    const page = await officer.get(CONSOLE);
    const path = /<code class="results-path">([^<]+)<\/code> on the branch <code>main<\/code>/.exec(page.text)![1];
    expect(path).toBe('elections/board/2030/results.md');
    const draft = (await officer.get(`${CONSOLE}results.md`)).text;
    expect(draft).toContain('**Elected (2 seats):** Bob B. and Carol C.');

    t.meta.write({ [path]: draft });
    const head = await t.meta.commit('Publish the Board 2030 results');
    const sync = await officer.post(`${CONSOLE}sync`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(sync.status).toBe(303);

    // The panel polls until the sync is over; its last answer tells the page to reload the results section.
    const finished = (await waitFor(async () => {
      const r = await officer.get(`${CONSOLE}sync-status`).set('HX-Request', 'true');
      return r.text.includes('hx-trigger="every 2s"') ? null : r;
    }, 30_000, 100))!;
    expect(finished.headers['hx-trigger']).toBe('urna-synced');
    expect(finished.text).toContain(`<code>${head.slice(0, 12)}</code>`);
    const section = await officer.get(`${CONSOLE}tally`).set('HX-Request', 'true');
    expect(section.text).toContain(`Published: the meta repository has this election's results.md, shown on the <a href="${RESULTS}">public results page</a>.`);

    for (const reader of [officer, t.agent()]) {
      const results = (await waitFor(async () => {
        const r = await reader.get(RESULTS);
        return r.status === 200 ? r : null;
      }, 5_000, 100))!;
      expect(results.text).toContain('<h2>Results: Board 2030</h2>');
      expect(results.text).toContain('<strong>Elected (2 seats):</strong> Bob B. and Carol C.');
      expect(results.text).toContain('11 of 15 eligible voters cast a ballot (73 %).');
      expect(results.text).toMatch(/<td align="right">1<\/td>\s*<td>Bob B\.<\/td>\s*<td>elected<\/td>/);
      expect(results.text).toMatch(/<td><strong>Bob B\.<\/strong><\/td>\s*<td align="right">—<\/td>\s*<td align="right">8<\/td>/);
    }
  }, 60_000);
});
