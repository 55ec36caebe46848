import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';

// Every voter-facing route for every role, over HTTP against the real app on SQLite: the status
// code and what the page visibly says. (The vote, view and revoke flows have their own file.)

type Role = 'anonymous' | 'stranger' | 'voter' | 'officer' | 'otherOfficer';
const ROLES: Role[] = ['anonymous', 'stranger', 'voter', 'officer', 'otherOfficer'];
const LOGINS: Record<Exclude<Role, 'anonymous'>, string> = { stranger: 'stranger', voter: 'VOTER2', officer: 'officer1', otherOfficer: 'Officer2' };
const K = '/app/elections/steering---2030';

let t: TestWebApp;
const agents = {} as Record<Role, Agent>;

beforeAll(async () => {
  t = await startTestWebApp();
  const now = Date.now();
  await t.seedElection({ exceptionDueAt: new Date(now + 3_600_000), description: '# Welcome\n\nVote **wisely**. <script>alert(1)</script>' });
  await t.seedElection({ key: 'other---2030', path: 'other/2030', name: 'Other Board 2030', officers: ['Officer2'], voters: ['someone'] });
  await t.seedElection({ key: 'future---2040', path: 'future/2040', name: 'Future Council', startAt: new Date(now + 86_400_000), endAt: new Date(now + 2 * 86_400_000) });
  await t.seedElection({ key: 'closed---2020', path: 'closed/2020', name: 'Closed Vote 2020', startAt: new Date(now - 9e8), endAt: new Date(now - 8e8), exceptionDueAt: new Date(now - 9e8), results: '# Results\n\nWinner: **Alice A.**' });
  for (const role of ROLES) {
    agents[role] = t.agent();
    if (role !== 'anonymous') await t.login(agents[role], LOGINS[role]);
  }
});
afterAll(async () => { await t?.close(); });

type Expect = string | RegExp | ((text: string) => void);
type Row = [path: string, role: Role, status: number, expectation?: Expect];

const all = (path: string, status: number, expectation?: Expect): Row[] => ROLES.map((r) => [path, r, status, expectation]);
const signedIn = (path: string, status: number, expectation?: Expect): Row[] =>
  ROLES.filter((r) => r !== 'anonymous').map((r) => [path, r, status, expectation]);

const rows: Row[] = [
  ...all('/', 302),
  ...all('/app', 200, (text) => { expect(text).toContain('Steering Committee 2030'); expect(text).toContain('Future Council'); }),
  ...all('/app?status=upcoming', 200, (text) => { expect(text).toContain('Future Council'); expect(text).not.toContain('Steering Committee 2030'); }),
  ...all('/app?status=closed', 200, (text) => { expect(text).toContain('Closed Vote 2020'); expect(text).not.toContain('Future Council'); }),
  ...all('/app?status=running', 200, (text) => expect(text).toContain('Steering Committee 2030')),
  ...all('/elections', 301),
  ...all('/elections/steering---2030', 301),
  ['/app/dashboard', 'anonymous', 401, 'Sign in to continue'],
  ['/app/dashboard', 'stranger', 200, 'not on the voter list of any election'],
  ['/app/dashboard', 'voter', 200, (text) => { expect(text).toContain('Open for your vote'); expect(text).toContain('Steering Committee 2030'); expect(text).toContain('Coming up'); }],
  ['/app/dashboard', 'officer', 200, (text) => { expect(text).toMatch(/Elections you run[\s\S]*Steering Committee 2030/); expect(text).not.toContain('Open for your vote'); }],
  ['/app/dashboard', 'otherOfficer', 200, (text) => { expect(text).toMatch(/Elections you run[\s\S]*Other Board 2030/); expect(text).not.toContain('Steering Committee 2030'); }],
  ...all(K, 200, (text) => { expect(text).toContain('<strong>wisely</strong>'); expect(text).not.toContain('<script>alert'); expect(text).toContain('Alice A.'); }),
  [K, 'anonymous', 200, 'Sign in with GitHub to see whether you can vote'],
  [K, 'stranger', 200, (text) => { expect(text).toContain('not on the voter list'); expect(text).toContain(`href="${K}/exception"`); expect(text).toContain('Not eligible'); }],
  [K, 'voter', 200, (text) => { expect(text).toContain('You have not voted yet'); expect(text).toContain(`href="${K}/vote"`); expect(text).toContain('You are eligible'); }],
  [K, 'officer', 200, (text) => { expect(text).toContain('Officer console'); expect(text).toContain(`href="${K}/admin"`); }],
  [K, 'otherOfficer', 200, (text) => { expect(text).not.toContain('Officer console'); expect(text).toContain('not on the voter list'); }],
  ['/app/elections/future---2040', 'voter', 200, 'You can vote once voting opens'],
  ['/app/elections/closed---2020', 'voter', 200, (text) => { expect(text).toContain('Voting has closed'); expect(text).toContain('Read the results'); }],
  ['/app/elections/closed---2020', 'stranger', 200, (text) => expect(text).not.toContain('Request an exception')],
  ...all('/app/elections/nope', 404, 'There is no election with this name'),
  ...all(`${K}/candidates/alice`, 200, (text) => { expect(text).toContain('Alice A.'); expect(text).toMatch(/affiliation<\/dt><dd>Acme/); }),
  ...all(`${K}/candidates/bob`, 200, (text) => expect(text).toMatch(/affiliation<\/dt><dd><span class="muted">Not given/)),
  ...all(`${K}/candidates/nobody`, 404, 'no candidate with that ID'),
  ...all(`${K}/candidates/candidate-alice`, 404),
  ...all(`${K}/candidates/candidate-alice.md`, 404),
  ...all(`${K}/results`, 404, 'not been published'),
  ...all('/app/elections/closed---2020/results', 200, (text) => { expect(text).toContain('<strong>Alice A.</strong>'); expect(text).toContain('<h2>Results</h2>'); }),
  ...all('/app/elections/closed---2020/results/', 200, 'Winner'),
  ['/app/elections/other---2030/results', 'voter', 404],
  [`${K}/vote`, 'anonymous', 401, 'Sign in to continue'],
  [`${K}/vote`, 'stranger', 403, 'not on the voter list'],
  [`${K}/vote`, 'voter', 200, (text) => { expect(text).toContain('Your ballot'); expect(text.match(/<select/g)).toHaveLength(3); expect(text).toContain('name="candidate@alice"'); expect(text).toContain('No opinion'); }],
  [`${K}/vote`, 'officer', 403],
  [`${K}/vote`, 'otherOfficer', 403],
  ['/app/elections/future---2040/vote', 'voter', 403, 'Voting has not started'],
  ['/app/elections/closed---2020/vote', 'voter', 403, 'Voting has closed'],
  [`${K}/view`, 'anonymous', 401],
  ...signedIn(`${K}/view`, 303),
  [`${K}/revoke`, 'anonymous', 401],
  ...signedIn(`${K}/revoke`, 303),
  [`${K}/confirmation`, 'anonymous', 401],
  ...signedIn(`${K}/confirmation`, 303),
  [`${K}/exception`, 'anonymous', 401],
  [`${K}/exception`, 'stranger', 200, (text) => { expect(text).toContain('Request an exception'); expect(text).toContain('Ask us'); expect(text).not.toMatch(/e-?mail/i); }],
  [`${K}/exception`, 'voter', 409, 'You can already vote'],
  [`${K}/exception`, 'officer', 200],
  ['/app/elections/closed---2020/exception', 'stranger', 403, 'Exception requests closed'],
  ['/login', 'anonymous', 200, 'Sign in with GitHub'],
  ...signedIn('/login', 303),
  ...all('/logout', 200, 'Sign out'),
  ...all('/auth/dev', 404),
  ...all('/no/such/page', 404, 'Not found'),
];

describe('routes by role', () => {
  it.each(rows)('GET %s as %s → %i', async (path, role, status, expectation) => {
    const res = await agents[role].get(path).redirects(0);
    expect(res.status).toBe(status);
    if (typeof expectation === 'string') expect(res.text).toContain(expectation);
    else if (expectation instanceof RegExp) expect(res.text).toMatch(expectation);
    else expectation?.(res.text);
    if (status >= 400) expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  const post = (role: Role, path: string, body: Record<string, string>) => async () => {
    const page = await agents[role].get(role === 'anonymous' ? '/login' : '/app');
    return agents[role].post(path).type('form').send({ _csrf: csrfFrom(page.text), ...body }).redirects(0);
  };
  const validBallot = { 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': 'none' };
  const postRows: Array<[string, Role, number, Record<string, string>]> = [
    ...ROLES.map((r): [string, Role, number, Record<string, string>] => [`${K}/vote/review`, r, { anonymous: 401, stranger: 403, voter: 200, officer: 403, otherOfficer: 403 }[r], validBallot]),
    ...ROLES.map((r): [string, Role, number, Record<string, string>] => [`${K}/vote`, r, { anonymous: 401, stranger: 403, voter: 422, officer: 403, otherOfficer: 403 }[r], { 'candidate@alice': '9' }]),
    ...ROLES.map((r): [string, Role, number, Record<string, string>] => [`${K}/view`, r, r === 'anonymous' ? 401 : 404, { passphrase: 'x' }]),
    ...ROLES.map((r): [string, Role, number, Record<string, string>] => [`${K}/revoke`, r, r === 'anonymous' ? 401 : 404, { passphrase: 'x' }]),
    ...ROLES.map((r): [string, Role, number, Record<string, string>] => [`${K}/exception`, r, { anonymous: 401, stranger: 422, voter: 409, officer: 422, otherOfficer: 422 }[r], { name: '' }]),
  ];

  it.each(postRows)('POST %s as %s → %i', async (path, role, status, body) => {
    const res = await post(role, path, body)();
    expect(res.status).toBe(status);
    if (status === 401) expect(res.text).toContain('Sign in to continue');
  });

  it('refuses any POST without the CSRF token, whoever sends it', async () => {
    for (const role of ROLES) {
      const res = await agents[role].post(`${K}/vote/review`).type('form').send(validBallot);
      expect(res.status).toBe(403);
    }
  });

  it('returns only the list fragment to htmx, and varies on it', async () => {
    const res = await agents.anonymous.get('/app?status=open').set('HX-Request', 'true');
    expect(res.status).toBe(200);
    expect(res.text.startsWith('<section id="elections"')).toBe(true);
    expect(res.text).toContain('aria-current="page">Open');
    expect(res.headers.vary).toMatch(/HX-Request/);
  });

  it('redirects Elekto paths to ours', async () => {
    expect((await agents.anonymous.get('/').redirects(0)).headers.location).toBe('/app');
    expect((await agents.anonymous.get('/elections/steering---2030').redirects(0)).headers.location).toBe(K);
    expect((await agents.anonymous.get('/app/elections?status=completed').redirects(0)).headers.location).toBe('/app?status=closed');
  });

  it('lists candidates in a fresh random order', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 30 && orders.size < 2; i++) {
      const text = (await agents.anonymous.get(K)).text;
      orders.add([...text.matchAll(/candidates\/(\w+)"/g)].map((m) => m[1]).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('sends a signed-in user to the exception form, then refuses a second request', async () => {
    const a = agents.otherOfficer;
    const form = await a.get(`${K}/exception`);
    const empty = await a.post(`${K}/exception`).type('form').send({ _csrf: csrfFrom(form.text), name: '', description: '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Enter your name');
    const sent = await a.post(`${K}/exception`).type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Other Officer', chat: '@o2', description: 'I review PRs', comments: '' }).redirects(0);
    expect(sent.status).toBe(303);
    const page = await a.get(K);
    expect(page.text).toContain('Your request was sent to the election officers');
    expect(page.text).toContain('You asked for an exception on');
    expect((await a.get(`${K}/exception`)).status).toBe(409);
    const again = await a.post(`${K}/exception`).type('form').send({ _csrf: csrfFrom(form.text), name: 'x', description: 'y' });
    expect(again.status).toBe(409);
    const stored = await t.kernel.repos.exceptionRequests.listForElection((await t.kernel.repos.elections.findByKey('steering---2030'))!.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'Other Officer', chat: '@o2', description: 'I review PRs', login: 'Officer2' });
  });

  it('refuses exception requests past the due date', async () => {
    const form = await agents.stranger.get('/app');
    const res = await agents.stranger.post('/app/elections/closed---2020/exception').type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'x', description: 'y' });
    expect(res.status).toBe(403);
  });

  it('answers view and revoke for someone who has not voted with 404', async () => {
    const page = await agents.voter.get(K);
    for (const action of ['view', 'revoke', 'vote/view', 'vote/edit']) {
      const res = await agents.voter.post(`${K}/${action}`).type('form').send({ _csrf: csrfFrom(page.text), passphrase: 'whatever1' });
      expect(res.status).toBe(404);
      expect(res.text).toContain('You have not voted in this election');
    }
  });

  it('serves htmx and the stylesheet from this server with long caching when versioned', async () => {
    const page = await agents.anonymous.get('/app');
    const htmx = /src="(\/static\/htmx\.min\.js\?v=\w+)"/.exec(page.text)![1];
    const res = await agents.anonymous.get(htmx);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect((await agents.anonymous.get('/static/app.css')).headers['content-type']).toMatch(/text\/css/);
    expect((await agents.anonymous.get('/static/nope.js')).status).toBe(404);
  });
});
