import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLOSED_BALLOTS, DEMO_CLOSED_ELECTION, seedDemoBallots } from '../../../services/embedded/demo-ballots.js';
import { materialiseDemoMeta } from '../../../services/embedded/demo-meta.js';
import { syncMetaProcessor } from '../../../services/sync-worker/sync-meta.processor.js';
import { tallyElectionProcessor } from '../../../services/tally-worker/tally-election.processor.js';
import type { TallyResult } from '../../../shared/domain/condorcet/index.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';

// The embedded demo tells one story: the closed election's console, its count and its published
// results.md agree, because the demo seeds the ballots the file describes, the real tally counts
// them, and the file in deploy/demo-meta is the console's draft of that count, byte for byte.

const CONSOLE = `/app/elections/${DEMO_CLOSED_ELECTION}/admin/`;
const SHIPPED_RESULTS = join(process.cwd(), 'deploy', 'demo-meta', 'elections', 'archive', 'technical-oversight', 'results.md');

describe('the demo\'s closed election', () => {
  let t: TestWebApp;
  let root: string;
  let officer: Agent;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'urna-demo-'));
    const repo = await materialiseDemoMeta(join(root, 'demo-meta'), new Date());
    t = await startTestWebApp({
      configure: (c) => ({ ...c, meta: { ...c.meta, repo, checkoutPath: join(root, 'checkout'), electionDir: 'elections', branch: 'main' } }),
    });
    t.kernel.processors.register('sync-meta', syncMetaProcessor(t.kernel));
    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    await t.kernel.queue.startWorkers(t.kernel.processors, ['git-sync', 'tally']);
    await t.kernel.queue.enqueue('sync-meta', { trigger: 'startup' });
    officer = t.agent();
    await t.login(officer, 'demo-officer');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('holds the ballots its results.md describes, counted by the real tally, and console, count and file agree', async () => {
    expect(await seedDemoBallots(t.kernel, { intervalMs: 50, timeoutMs: 30_000 })).toBe('counted');
    const election = (await t.kernel.repos.elections.findByKey(DEMO_CLOSED_ELECTION))!;
    const run = await waitFor(() => t.kernel.repos.tallyRuns.latestDone<TallyResult>(election.id), 30_000, 50);
    expect(run!.result).toMatchObject({ ballots: 4, winners: ['ruth-demo'], pairwise: { 'ruth-demo': { 'alan-demo': 3 }, 'alan-demo': { 'ruth-demo': 1 } } });
    expect((await t.kernel.repos.elections.listEligible(election.id)).sort()).toEqual(DEMO_CLOSED_BALLOTS.map((b) => b.login).sort());

    const page = await officer.get(CONSOLE);
    expect(page.text).toMatch(/<strong>4<\/strong> of <strong>4<\/strong> eligible voters have voted \(100 %\)/);
    expect(page.text).toContain(': 4 ballots, Schulze (winning votes).');
    expect(page.text).toContain('<p class="winners">Ruth Trial</p>');
    expect(page.text).toContain('Published: the meta repository has this election\'s results.md');

    // The shipped file is the console's draft of this count: if this fails, the diff below is the new file.
    const draft = (await officer.get(`${CONSOLE}results.md`)).text;
    expect(readFileSync(SHIPPED_RESULTS, 'utf8')).toBe(draft);
    expect(election.results).toBe(draft);

    const results = await officer.get(`/app/elections/${DEMO_CLOSED_ELECTION}/results`);
    expect(results.status).toBe(200);
    expect(results.text).toContain('<strong>Elected:</strong> Ruth Trial');
    expect(results.text).toContain('4 of 4 eligible voters cast a ballot (100 %).');
  }, 60_000);

  it('adds nothing on a later start, and leaves the other demo elections alone', async () => {
    expect(await seedDemoBallots(t.kernel, { intervalMs: 50 })).toBe('already-concluded');
    const election = (await t.kernel.repos.elections.findByKey(DEMO_CLOSED_ELECTION))!;
    expect(await t.kernel.repos.votes.countBallots(election.id)).toBe(4);
    expect(await t.kernel.db('tally_runs').where({ election_id: election.id })).toHaveLength(1);
    const open = (await t.kernel.repos.elections.findByKey('steering-committee'))!;
    expect(await t.kernel.repos.votes.countBallots(open.id)).toBe(0);
  });
});
