import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tallyElectionProcessor } from '../../../services/tally-worker/tally-election.processor.js';
import { parseElectionFile } from '../../../shared/domain/condorcet/formats/election-file.js';
import { tally, type TallyResult } from '../../../shared/domain/condorcet/index.js';
import { resultsMarkdown } from '../../../shared/domain/election/results-markdown.js';
import type { Election } from '../../../shared/domain/election/election.js';
import { waitFor } from '../../support/wait-for.js';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';
import { castHandBallots } from '../tally/tally-test-kit.js';

// The officer console over HTTP on SQLite: every role, then the compute-results flow end to end
// with the in-process queue, sync now, the reviewed toggle, and the downloads.

type Role = 'anonymous' | 'stranger' | 'voter' | 'officer' | 'otherOfficer';
const ROLES: Role[] = ['anonymous', 'stranger', 'voter', 'officer', 'otherOfficer'];
const LOGINS: Record<Exclude<Role, 'anonymous'>, string> = { stranger: 'stranger', voter: 'VOTER2', officer: 'officer1', otherOfficer: 'Officer2' };
const OPEN = '/app/elections/steering---2030/admin/';
const CLOSED = '/app/elections/closed---2030/admin/';
const hour = 3_600_000;

let t: TestWebApp;
let closed: Election;
const agents = {} as Record<Role, Agent>;

beforeAll(async () => {
  t = await startTestWebApp();
  const now = Date.now();
  await t.seedElection({ problems: [{ path: 'steering/2030/candidate-bob.md', line: 3, level: 'warning', message: 'unknown field "twitter"' }] });
  await t.seedElection({ key: 'other---2030', path: 'other/2030', name: 'Other Board 2030', officers: ['Officer2'], voters: ['someone'] });
  closed = await t.seedElection({
    key: 'closed---2030', path: 'closed/2030', name: 'Closed Board 2030', officers: ['OFFICER1'], noWinners: 2, deleteAfter: true,
    startAt: new Date(now - 48 * hour), endAt: new Date(now - hour), exceptionDueAt: new Date(now - 48 * hour),
    voters: Array.from({ length: 20 }, (_, i) => `closed---2030-voter${i + 1}`),
  });
  await castHandBallots(t.kernel.repos, closed, closed.key);
  for (const role of ROLES) {
    agents[role] = t.agent();
    if (role !== 'anonymous') await t.login(agents[role], LOGINS[role]);
  }
});
afterAll(async () => { await t?.close(); });

describe('officer console by role', () => {
  const expected: Record<Role, [number, string]> = {
    anonymous: [401, 'Sign in to continue'],
    stranger: [403, 'Only the officers of this election'],
    voter: [403, 'Only the officers of this election'],
    officer: [200, 'Officer console'],
    otherOfficer: [403, 'Only the officers of this election'],
  };
  for (const role of ROLES) {
    it(`${role}: ${expected[role][0]}`, async () => {
      for (const path of [OPEN, OPEN.slice(0, -1), `${OPEN}tally`, `${CLOSED}download.csv`, `${CLOSED}download.blt`]) {
        const res = await agents[role].get(path);
        // Ballots stay sealed until the count: the officer's downloads answer only after it.
        if (role === 'officer') {
          if (path.includes('download')) expect(res.status, path).toBe(403);
          else expect(res.status, path).not.toBeGreaterThanOrEqual(400);
        }
        else {
          expect(res.status, path).toBe(expected[role][0]);
          expect(res.text).toContain(expected[role][1]);
        }
      }
      const post = await agents[role].post(`${CLOSED}results`).type('form').send({});
      expect(post.status).toBe(403); // no CSRF token: refused before anything else
    });
  }

  it('shows an open election to its officer: turnout, sync problems, no results yet', async () => {
    const res = await agents.officer.get(OPEN);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Steering Committee 2030</h1>');
    expect(res.text).toMatch(/<strong>0<\/strong> of <strong>2<\/strong> eligible voters have voted \(0 %\)/);
    expect(res.text).toContain('<progress class="turnout-bar" max="2" value="0"');
    expect(res.text).toContain('unknown field &quot;twitter&quot;');
    expect(res.text).toContain('steering/2030/candidate-bob.md:3');
    expect(res.text).toContain('Results can be computed once voting closes');
    expect(res.text).not.toContain('Compute results');
    expect(res.text).toMatch(/<link rel="stylesheet" href="\/static\/admin.css\?v=[0-9a-f]{12}">/);
    expect((await agents.officer.get('/static/admin.css')).text).toContain('.pw-win-4');
  });

  it('refuses to count or export before the close, and to export a closed election before its count', async () => {
    const page = await agents.officer.get(OPEN);
    expect((await agents.officer.get(`${OPEN}results`)).headers.location).toBe(`${OPEN}#results`); // no confirmation to show
    const post = await agents.officer.post(`${OPEN}results`).type('form').send({ _csrf: csrfFrom(page.text), ballots: '0' });
    expect(post.status).toBe(409);
    expect(post.text).toContain('Voting is still open until');
    const csv = await agents.officer.get(`${OPEN}download.csv`);
    expect(csv.status).toBe(403);
    expect(csv.text).toContain('once voting has closed and the results are computed');
    const sealed = await agents.officer.get(`${CLOSED}download.blt`);
    expect(sealed.status).toBe(403);
    expect(sealed.text).toContain('Ballots are sealed until the count');
  });
});

describe('exception requests and sync', () => {
  it('toggles "reviewed" with htmx and without, scoped to the election', async () => {
    const stranger = (await t.kernel.repos.users.findByLogin('stranger'))!;
    const election = (await t.kernel.repos.elections.findByKey('steering---2030'))!;
    const request = await t.kernel.repos.exceptionRequests.create({ electionId: election.id, userId: stranger.id, name: 'Stran Ger', chat: 'slack:@s', description: '40 PRs\nand docs', comments: '' });
    const page = await agents.officer.get(OPEN);
    expect(page.text).toContain('Stran Ger');
    expect(page.text).toContain('Not reviewed');
    const token = csrfFrom(page.text);
    const htmx = await agents.officer.post(`${OPEN}exception/${request.id}`).set('HX-Request', 'true').set('X-CSRF-Token', token).type('form').send({ reviewed: 'true' });
    expect(htmx.status).toBe(200);
    expect(htmx.text).toMatch(/^<form[^>]*class="review-toggle"/);
    expect(htmx.text).toContain('>Reviewed<');
    const plain = await agents.officer.post(`${OPEN}exception/${request.id}`).type('form').send({ _csrf: token, reviewed: 'false' });
    expect(plain.status).toBe(303);
    expect(plain.headers.location).toBe(`${OPEN}#request-${request.id}`);
    expect((await t.kernel.repos.exceptionRequests.findForUser(election.id, stranger.id))!.reviewed).toBe(false);
    // The other election's officer cannot reach this request through their own election.
    const other = await agents.otherOfficer.get('/app/elections/other---2030/admin/');
    const cross = await agents.otherOfficer.post(`/app/elections/other---2030/admin/exception/${request.id}`).type('form').send({ _csrf: csrfFrom(other.text), reviewed: 'true' });
    expect(cross.status).toBe(404);
  });

  it('queues a sync on "sync now", and says so clearly when the queue is unreachable', async () => {
    const page = await agents.officer.get(OPEN);
    const before = (await t.kernel.queue.counts('git-sync')).waiting;
    const ok = await agents.officer.post(`${OPEN}sync`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(ok.status).toBe(303);
    expect((await t.kernel.queue.counts('git-sync')).waiting).toBe(Math.max(before, 1));
    // No sync worker runs here, so the sync stays queued: the panel polls, and says it updates itself.
    const after = (await agents.officer.get(OPEN)).text;
    expect(after).toContain('A sync of the meta repository is queued.');
    expect(after).toContain(`hx-get="${OPEN}sync-status" hx-trigger="every 2s" hx-target="#sync-status"`);
    expect(after).toContain('A sync of the meta repository is queued or running.');
    const poll = await agents.officer.get(`${OPEN}sync-status`).set('HX-Request', 'true');
    expect(poll.status).toBe(200);
    expect(poll.text).not.toContain('<html');
    expect(poll.text).toContain('hx-trigger="every 2s"');
    expect(poll.headers['hx-trigger']).toBeUndefined();
    expect((await agents.officer.get(`${OPEN}sync-status`)).status).toBe(303); // not htmx: back to the console
    for (const role of ['anonymous', 'voter', 'otherOfficer'] as const) {
      expect((await agents[role].get(`${OPEN}sync-status`).set('HX-Request', 'true')).status).toBeGreaterThanOrEqual(401);
    }
    const enqueue = t.kernel.queue.enqueue;
    t.kernel.queue.enqueue = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    try {
      const down = await agents.officer.post(`${OPEN}sync`).type('form').send({ _csrf: csrfFrom(page.text) });
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('60');
      expect(down.text).toContain('The job queue is not reachable');
      expect(down.text).not.toContain('ECONNREFUSED');
    } finally {
      t.kernel.queue.enqueue = enqueue;
    }
  });
});

describe('compute results, end to end with the in-process queue', () => {
  it('queues, polls every 2 s until done, then shows ranking, winners, matrix and downloads', async () => {
    const officer = agents.officer;
    let page = await officer.get(CLOSED);
    expect(page.text).toMatch(/<strong>11<\/strong> of <strong>20<\/strong> eligible voters have voted \(55 %\)/);
    expect(page.text).toContain('<strong>11 ballots</strong> are waiting to be counted.');
    expect(page.text).toContain('Compute results…');
    expect((await officer.get(`${CLOSED}results.md`)).status).toBe(404); // nothing to draft before the count

    // The button asks first: what will be counted, and what cannot be undone.
    const confirm = await officer.get(`${CLOSED}results`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<h1>Count the ballots now?</h1>');
    expect(confirm.text).toContain('<strong>11 ballots will be counted</strong> (11 of 20 eligible voters voted).');
    expect(confirm.text).toContain('<strong>Voting can never reopen.</strong>');
    expect(confirm.text).toContain('<strong>The count is final.</strong>');
    expect(confirm.text).toContain('links between voters and their ballots are deleted');
    expect(confirm.text).toContain('<input type="hidden" name="ballots" value="11">');
    expect(confirm.text).toContain('>Count 11 ballots now</button>');
    expect(await t.kernel.db('tally_runs').where({ election_id: closed.id })).toHaveLength(0);

    // A post without the confirmed number (an old form) is sent to the confirmation; a stale number is refused.
    const unconfirmed = await officer.post(`${CLOSED}results`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.location).toBe(`${CLOSED}results`);
    const stale = await officer.post(`${CLOSED}results`).type('form').send({ _csrf: csrfFrom(page.text), ballots: '10' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('it was 10, it is now 11. Nothing was counted.');
    expect(await t.kernel.db('tally_runs').where({ election_id: closed.id })).toHaveLength(0);

    const post = await officer.post(`${CLOSED}results`).type('form').send({ _csrf: csrfFrom(confirm.text), ballots: '11' });
    expect(post.status).toBe(303);
    expect(post.headers.location).toBe(`${CLOSED}#results`);
    page = await officer.get(CLOSED);
    expect(page.text).toContain('Counting has started.');
    expect(page.text).toContain('The count is queued');
    expect(page.text).toContain(`hx-get="${CLOSED}tally" hx-trigger="every 2s"`);
    // A second click while queued gives the same run.
    const again = await officer.post(`${CLOSED}results`).type('form').send({ _csrf: csrfFrom(page.text), ballots: '11' });
    expect(again.status).toBe(303);
    expect((await t.kernel.db('tally_runs').where({ election_id: closed.id })).length).toBe(1);

    const poll = () => officer.get(`${CLOSED}tally`).set('HX-Request', 'true');
    expect((await poll()).text).toContain('hx-trigger="every 2s"');
    expect((await officer.get(`${CLOSED}tally`)).status).toBe(303); // not htmx: back to the console

    t.kernel.processors.register('tally-election', tallyElectionProcessor(t.kernel));
    await t.kernel.queue.startWorkers(t.kernel.processors, ['tally']);
    const done = (await waitFor(async () => {
      const r = await poll();
      return r.text.includes('Winners') ? r : null;
    }))!;
    expect(done.status).toBe(200);
    expect(done.text).not.toContain('hx-trigger');
    expect(done.text).not.toContain('<html');
    expect(done.text).toContain('<p class="winners">Bob B. and Carol C.</p>');
    expect(done.text).toContain('There is no Condorcet winner');
    expect(done.text).toMatch(/<li value="1">Bob B.<\/li><li value="2">Carol C.<\/li><li value="3">Alice A.<\/li>/);
    expect(done.text).toContain('<caption id="pairwise-caption">');
    expect(done.text).toMatch(/<th scope="row">Bob B.<\/th><td class="pw-self">.*?<\/td><td class="pw-win-4">8<span class="visually-hidden"> \(Bob B. beats Carol C., 8 to 0\)/);
    expect(done.text).toContain('urna tally FILE --method schulze-winning --winners 2');

    page = await officer.get(CLOSED);
    expect(page.text).toContain('Concluded');
    expect(page.text).not.toContain('Compute results');
    expect((await officer.get(`${CLOSED}results`)).headers.location).toBe(`${CLOSED}#results`); // nothing left to confirm

    // The draft results.md: the console's text area and the download are the same file.
    const stored0 = (await t.kernel.repos.tallyRuns.latestDone<TallyResult>(closed.id))!.result!;
    const draft = resultsMarkdown({ electionName: 'Closed Board 2030', result: stored0, names: new Map([['alice', 'Alice A.'], ['bob', 'Bob B.'], ['carol', 'Carol C.']]), eligible: 20 });
    expect(draft).toContain('**Elected (2 seats):** Bob B. and Carol C.');
    expect(page.text).toContain('<code class="results-path">elections/closed/2030/results.md</code>');
    expect(page.text).toContain(`>${draft.replace(/'/g, '&#39;').replace(/"/g, '&quot;')}</textarea>`);
    const md = await officer.get(`${CLOSED}results.md`);
    expect(md.status).toBe(200);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.headers['content-disposition']).toBe('attachment; filename="results.md"');
    expect(md.headers['cache-control']).toBe('no-store');
    expect(md.text).toBe(draft);
    expect((await agents.voter.get(`${CLOSED}results.md`)).status).toBe(403);
    const links = await t.kernel.db('votes').where({ election_id: closed.id }).whereNotNull('sealed_link');
    expect(links).toHaveLength(0);

    const stored = (await t.kernel.repos.tallyRuns.latestDone<TallyResult>(closed.id))!.result!;
    for (const [path, name] of [['download', 'x.csv'], ['download.csv', 'x.csv'], ['download.blt', 'x.blt']]) {
      const file = await officer.get(`${CLOSED}${path}`).buffer(true).parse((res, cb) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
        res.on('end', () => cb(null, body));
      });
      expect(file.status).toBe(200);
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename="closed---2030-ballots\.(csv|blt)"$/);
      const parsed = parseElectionFile(name, file.body as string);
      const again = tally({ candidates: parsed.candidates, ballots: parsed.ballots }, { method: stored.method, winners: 2 });
      expect([again.ranking, again.winners, again.pairwise]).toEqual([stored.ranking, stored.winners, stored.pairwise]);
    }
  });

  it('says plainly when no ballot was cast: before the count, when confirming, and after it (no winner box)', async () => {
    const now = Date.now();
    await t.seedElection({
      key: 'empty---2030', path: 'empty/2030', name: 'Empty Board 2030', officers: ['officer1'], noWinners: 1,
      startAt: new Date(now - 48 * hour), endAt: new Date(now - hour), exceptionDueAt: new Date(now - 48 * hour), voters: ['a', 'b', 'c'],
    });
    const EMPTY = '/app/elections/empty---2030/admin/';
    const officer = agents.officer;
    expect((await officer.get(EMPTY)).text).toContain('<strong>No ballot was cast.</strong>');
    const confirm = await officer.get(`${EMPTY}results`);
    expect(confirm.text).toContain('<strong>No ballot was cast.</strong> Counting records that nobody voted: no candidate is elected.');
    expect(confirm.text).toContain('>Conclude with no ballots</button>');
    const post = await officer.post(`${EMPTY}results`).type('form').send({ _csrf: csrfFrom(confirm.text), ballots: '0' });
    expect(post.status).toBe(303);
    // The tally worker started by the test above counts it.
    const done = (await waitFor(async () => {
      const r = await officer.get(`${EMPTY}tally`).set('HX-Request', 'true');
      return r.text.includes('Counted') ? r : null;
    }))!;
    expect(done.text).toContain(': 0 ballots, Schulze (winning votes).');
    expect(done.text).toContain('No ballots were cast, so no candidate was elected.');
    expect(done.text).not.toMatch(/winners-box|Winner|Tie at the cut|result-ranking/);
    const md = await officer.get(`${EMPTY}results.md`);
    expect(md.text).toContain('No ballots were cast, so no candidate was elected.\n\n0 of 3 eligible voters cast a ballot (0 %).');
  });

  it('keeps a concluded election closed to voters even when its end date moves later', async () => {
    await t.kernel.db('elections').where({ id: closed.id }).update({ end_at: new Date(Date.now() + 86_400_000) });
    const voter = t.agent();
    await t.login(voter, 'closed---2030-voter12');
    const res = await voter.get('/app/elections/closed---2030/vote');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Voting has closed');
  });
});
