import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../support/web-app.js';

// The attacks of the issue against the real app over HTTP, on every database: each gets the
// right status code and changes nothing (a fingerprint of every table a request could write,
// and the job queue, is the same before and after). Sessions and users are left out of the
// fingerprint because visiting a page may create an anonymous session, and signing in a user;
// what an attack must not do with them is checked on its own.

const K = '/app/elections/steering---2030';
const SECRET = 'the meta webhook secret';
const PASS = 'correct horse battery staple';
const TABLES = ['elections', 'candidates', 'eligible_voters', 'votes', 'sealed_ballots', 'counted_ballot_pages', 'election_keys', 'exception_requests', 'tally_runs', 'sync_runs'];

const XSS = {
  script: '<script>alert("xss-script")</script>',
  img: '<img src=x onerror=alert("xss-img")>',
  link: '[click me](javascript:alert("xss-link"))',
  svg: '<svg onload=alert("xss-svg")></svg>',
  iframe: '<iframe src="https://evil.example/xss-frame"></iframe>',
  attr: '" onmouseover="alert(\'xss-attr\')" x="',
  style: '<style>body{background:url("https://evil.example/xss-style")}</style>',
};
const ALL_XSS = Object.values(XSS).join(' ');

/** Everything an attack could have changed, as one hash. */
async function fingerprint(t: TestWebApp): Promise<string> {
  const h = createHash('sha256');
  for (const table of TABLES) {
    const rows = await t.kernel.db(table).select('*');
    const text = rows.map((r: Record<string, unknown>) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v instanceof Date ? v.toISOString() : v]))).sort();
    h.update(`${table}\n${text.join('\n')}\n`);
  }
  for (const queue of ['git-sync', 'tally']) h.update(JSON.stringify(await t.kernel.queue.counts(queue)));
  return h.digest('hex');
}

/** Active content an attacker could have smuggled into a page: scripts without the response's nonce, event handlers, script URLs, frames. */
function activeContent(html: string, nonce: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*>/gi)) if (!m[0].includes(`nonce="${nonce}"`)) found.push(m[0]);
  for (const m of html.matchAll(/<[a-z][^>]*?\son[a-z]+\s*=[^>]*>/gi)) found.push(m[0]);
  for (const m of html.matchAll(/\b(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(?:javascript|vbscript|data):[^>]*/gi)) found.push(m[0]);
  for (const m of html.matchAll(/<(?:iframe|object|embed|base|style|svg|meta\s+http-equiv)\b[^>]*>/gi)) found.push(m[0]);
  return found;
}

function nonceOf(res: { headers: Record<string, string> }): string {
  const m = /'nonce-([^']+)'/.exec(res.headers['content-security-policy'] ?? '');
  if (!m) throw new Error('no CSP nonce');
  return m[1]!;
}

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`attacks on ${target.kind}`, () => {
    let t: TestWebApp;
    let voter: Agent;
    let officer: Agent;
    let stranger: Agent;
    let electionId: string;

    const token = async (a: Agent, path = K) => csrfFrom((await a.get(path)).text);
    /** Runs an attack and checks it changed nothing. */
    async function unchanged<T>(attack: () => Promise<T>): Promise<T> {
      const before = await fingerprint(t);
      const result = await attack();
      expect(await fingerprint(t)).toBe(before);
      return result;
    }

    beforeAll(async () => {
      t = await startTestWebApp({ kind: target.kind, env: { META_SECRET: SECRET, MIN_PASSCODE_LENGTH: '10' } });
      const now = Date.now();
      electionId = (await t.seedElection({
        name: `Steering ${XSS.script}`,
        organization: `Org ${XSS.img}`,
        description: `# Vote\n\n${ALL_XSS}\n\n<a href="javascript:alert('xss-a')">raw link</a>`,
        eligibility: `Eligible ${XSS.svg}`,
        exceptionDescription: `Ask ${XSS.link} ${XSS.iframe}`,
        exceptionDueAt: new Date(now + 86_400_000),
        officers: ['officer1'],
        voters: ['voter1', 'voter2'],
        candidates: [
          { key: 'alice', name: `Alice ${XSS.script}`, file: 'c/alice.md', info: { affiliation: XSS.attr }, bio: `Bio ${ALL_XSS}` },
          { key: 'bob', name: `Bob ${XSS.img}`, file: 'c/bob.md', info: {}, bio: '[x](javascript:alert("xss-bio"))' },
          { key: 'carol', name: 'Carol', file: 'c/carol.md', info: {}, bio: XSS.style },
        ],
      })).id;
      await t.seedElection({ key: 'past', path: 'past', name: 'Past', startAt: new Date(now - 9e8), endAt: new Date(now - 8e8), exceptionDueAt: new Date(now - 9e8),
        results: `# Results ${ALL_XSS}`, officers: ['officer1'] });
      voter = t.agent();
      officer = t.agent();
      stranger = t.agent();
      await t.login(voter, 'voter1');
      await t.login(officer, 'officer1');
      await t.login(stranger, 'stranger1');
      const cast = await voter.post(`${K}/vote`).type('form').send({ _csrf: await token(voter), 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': '3', passphrase: PASS, passphrase_confirm: PASS });
      expect(cast.status).toBe(303);
      const request = await stranger.post(`${K}/exception`).type('form').send({ _csrf: await token(stranger, `${K}/exception`), name: `Mallory ${XSS.script}`, chat: XSS.attr, description: ALL_XSS, comments: `'); DELETE FROM votes; -- ${XSS.img}` });
      expect(request.status).toBe(303);
    }, 60_000);
    afterAll(async () => { await t?.close(); });

    describe('webhooks', () => {
      const post = (body: string | Buffer, headers: Record<string, string>) =>
        fetch(`${t.url}/v1/webhooks/meta/sync`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers }, body });
      const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const push = JSON.stringify({ ref: 'refs/heads/main' });

      it('refuses unsigned, forged, tampered and sha1-only deliveries with 401, queueing nothing', async () => {
        await unchanged(async () => {
          const attempts: Array<Record<string, string>> = [
            {},
            { 'x-hub-signature-256': sign(push, 'not the secret') },
            { 'x-hub-signature-256': sign(JSON.stringify({ ref: 'refs/heads/other' })) },
            { 'x-hub-signature-256': 'sha256=zz' },
            { 'x-hub-signature-256': `${sign(push)}00` },
            { 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(push).digest('hex')}` },
          ];
          for (const headers of attempts) {
            const res = await post(push, headers);
            expect(res.status).toBe(401);
          }
        });
      });

      it('refuses an oversized delivery with 413 before looking at it, signed or not', async () => {
        const big = Buffer.alloc(2 * 1024 * 1024, 'a');
        await unchanged(async () => {
          expect((await post(big, {})).status).toBe(413);
          expect((await post(big, { 'x-hub-signature-256': sign(big) })).status).toBe(413);
        });
      });

      it('accepts a replayed delivery, but it only asks for the same deduplicated sync again', async () => {
        const headers = { 'x-hub-signature-256': sign(push), 'x-github-delivery': 'delivery-1' };
        const first = await post(push, headers);
        expect(first.status).toBe(202);
        const state = await fingerprint(t);
        // GitHub's own "redeliver" resends the same body and id, so a replay cannot be refused;
        // it cannot do more than the original: one sync of the current head, deduplicated.
        for (let i = 0; i < 5; i++) expect((await post(push, headers)).status).toBe(202);
        expect(await fingerprint(t)).toBe(state);
        expect((await t.kernel.queue.counts('git-sync')).waiting).toBe(1);
      });

      it('ignores a signed push to another branch (200), queueing nothing', async () => {
        const other = JSON.stringify({ ref: 'refs/heads/attacker-branch' });
        await unchanged(async () => {
          const res = await post(other, { 'x-hub-signature-256': sign(other) });
          expect(res.status).toBe(200);
          expect(await res.json()).toMatchObject({ ignored: expect.stringContaining('attacker-branch') });
        });
      });
    });

    describe('CSRF', () => {
      const actions: Array<[string, (agent: Agent) => Record<string, string>]> = [
        [`${K}/vote/review`, () => ({ 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': '3' })],
        [`${K}/revoke`, () => ({ passphrase: PASS })],
        [`${K}/view`, () => ({ passphrase: PASS })],
        [`${K}/admin/results`, () => ({})],
        [`${K}/admin/sync`, () => ({})],
        ['/logout', () => ({})],
      ];

      it('refuses a missing, wrong, foreign or cross-site token with 403 and changes nothing', async () => {
        const foreign = await token(stranger);
        await unchanged(async () => {
          for (const [path, fields] of actions) {
            for (const agent of [voter, officer]) {
              const valid = await token(agent);
              for (const [tokenValue, headers] of [
                [undefined, {}],
                ['forged-token', {}],
                [foreign, {}],
                [`${valid}x`, {}],
                [valid, { 'Sec-Fetch-Site': 'cross-site' }],
              ] as Array<[string | undefined, Record<string, string>]>) {
                const body = { ...fields(agent), ...(tokenValue === undefined ? {} : { _csrf: tokenValue }) };
                const res = await agent.post(path).set(headers).type('form').send(body);
                expect([path, res.status]).toEqual([path, 403]);
              }
            }
          }
        });
        // Still signed in: the refused logout did nothing.
        expect((await voter.get('/app/dashboard')).status).toBe(200);
        // The vote with a foreign token: refused, and the voter can still vote... no: voter1 has voted; voter2 tries.
        const voter2 = t.agent();
        await t.login(voter2, 'voter2');
        await unchanged(async () => {
          const res = await voter2.post(`${K}/vote`).type('form').send({ _csrf: foreign, 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': '3', passphrase: '', passphrase_confirm: '' });
          expect(res.status).toBe(403);
        });
      });
    });

    describe('sessions and redirects', () => {
      it('gives a new session id at sign-in, so a planted session id stays anonymous', async () => {
        const victim = t.agent();
        const page = await victim.get('/login');
        const planted = /urna\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
        expect(planted).toBeTruthy();
        await t.login(victim, 'voter2');
        const jar = (victim as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
        const now = jar.getCookie('urna.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
        expect(now).toBeTruthy();
        expect(now).not.toBe(planted);
        // The attacker's copy of the planted cookie is not signed in.
        const attacker = await fetch(`${t.url}/app/dashboard`, { headers: { cookie: `urna.sid=${planted}` }, redirect: 'manual' });
        expect(attacker.status).toBe(401);
        // An unsigned or forged cookie is no session at all.
        for (const cookie of ['urna.sid=attacker-chosen', `urna.sid=s%3A${now!.split('.')[0]?.slice(4) ?? ''}.forged`]) {
          const res = await fetch(`${t.url}/app/dashboard`, { headers: { cookie }, redirect: 'manual' });
          expect(res.status).toBe(401);
        }
      });

      it('never redirects off the site after sign-in, whatever "next" says', async () => {
        const evil = ['https://evil.example/x', '//evil.example/x', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', '%2F%2Fevil.example',
          '/..//evil.example', 'http:evil.example', '\\\\evil.example', '/%09/evil.example', '////evil.example', ' //evil.example'];
        for (const next of evil) {
          const a = t.agent();
          const landed = await t.login(a, 'voter2', next);
          expect(landed.status).toBeLessThan(500);
          const location = landed.redirects.at(-1) ?? landed.request.url;
          expect(new URL(location, t.url).origin).toBe(t.url);
          // Signed in already: /login?next= redirects too.
          const again = await a.get(`/login?next=${encodeURIComponent(next)}`).redirects(0);
          expect(again.status).toBe(303);
          expect(new URL(again.headers.location!, t.url).origin).toBe(t.url);
          expect(again.headers.location).not.toMatch(/^\/\/|^\/\\|^[a-z]+:/i);
        }
      });
    });

    describe('stored XSS', () => {
      it('shows names, bios, descriptions, results and exception requests as text, never as active content', async () => {
        const pages: Array<[Agent, string]> = [
          [stranger, '/app'], [voter, '/app/dashboard'], [stranger, K], [voter, K], [stranger, `${K}/candidates/alice`], [stranger, `${K}/candidates/bob`],
          [stranger, `${K}/candidates/carol`], [voter, `${K}/view`], [officer, `${K}/admin/`], [stranger, '/app/elections/past/results'],
        ];
        for (const [agent, path] of pages) {
          const res = await agent.get(path);
          expect([path, res.status]).toEqual([path, 200]);
          expect([path, activeContent(res.text, nonceOf(res))]).toEqual([path, []]);
          expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
        }
        // The text is there, escaped: the officer reads Mallory's request as Mallory wrote it.
        const console = await officer.get(`${K}/admin/`);
        expect(console.text).toContain('Mallory &lt;script&gt;alert(&quot;xss-script&quot;)&lt;/script&gt;');
        const ballot = await voter.post(`${K}/view`).type('form').send({ _csrf: await token(voter), passphrase: PASS });
        expect(ballot.status).toBe(200);
        expect(activeContent(ballot.text, nonceOf(ballot))).toEqual([]);
        expect(ballot.text).toContain('Alice &lt;script&gt;');
      });
    });

    describe('hostile input', () => {
      it('treats path tricks in election keys, candidate ids and static names as unknown, never as files', async () => {
        await unchanged(async () => {
          const expected: Array<[string, number]> = [
            ['/app/elections/..%2F..%2F..%2Fetc%2Fpasswd', 404], ['/app/elections/%2e%2e', 404], ['/app/elections/steering%2F2030', 404],
            ['/app/elections/steering---..---..---etc', 404], [`${K}/candidates/..%2F..%2Fpackage.json`, 404], [`${K}/candidates/%2e%2e%2fcandidate-alice.md`, 404],
            ['/static/..%2F..%2Fpackage.json', 404], ['/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd', 404], ['/app/elections/steering---2030/../../../etc/passwd', 404],
            // NUL bytes: refused as malformed (PostgreSQL answered 500 before, see SECURITY.md).
            ['/app/elections/steering---2030%00', 400], [`${K}/candidates/alice%00.md`, 400], ['/static/app.css%00.js', 400],
            // Elekto's request detail path only ever redirects to an anchor of this election's console.
            [`${K}/admin/exception/..%2F..%2Fvotes`, 303],
          ];
          for (const [path, status] of expected) {
            const res = await officer.get(path).redirects(0);
            expect([path, res.status]).toEqual([path, status]);
            expect(res.text ?? '').not.toMatch(/root:x:0:0|"name": "urna"|BEGIN [A-Z ]*PRIVATE KEY/);
            if (status === 303) expect(res.headers.location).toMatch(new RegExp(`^${K}/admin/#request-`));
          }
          // NUL in a form field is refused the same way.
          const nul = await stranger.post(`${K}/exception`).type('form').send({ _csrf: await token(stranger), name: 'a\u0000b', description: 'x' });
          expect(nul.status).toBe(400);
        });
      });

      it('stores SQL-shaped input as plain text and answers as for any other wrong input', async () => {
        const sql = ["' OR '1'='1", "'; DROP TABLE sealed_ballots; --", '" OR ""="', '1; DELETE FROM votes', "alice' --", '%27%20OR%201=1'];
        await unchanged(async () => {
          for (const s of sql) {
            expect((await stranger.get(`/app/elections/${encodeURIComponent(s)}`)).status).toBe(404);
            expect((await stranger.get(`${K}/candidates/${encodeURIComponent(s)}`)).status).toBe(404);
            expect((await stranger.get(`/app?status=${encodeURIComponent(s)}`)).status).toBe(200);
          }
          // Two wrong passphrases shaped like SQL (staying under the lockout, tested below).
          for (const s of sql.slice(0, 2)) {
            const review = await voter.post(`${K}/view`).type('form').send({ _csrf: await token(voter), passphrase: `${s} padding!` });
            expect(review.status).toBe(403);
          }
          const voter2 = t.agent();
          await t.login(voter2, 'voter2');
          const bad = await voter2.post(`${K}/vote`).type('form').send({ _csrf: await token(voter2), [`candidate@alice' OR '1'='1`]: '1', 'candidate@bob': "1' OR 1=1", 'candidate@carol': '2', passphrase: '', passphrase_confirm: '' });
          expect(bad.status).toBe(422);
        });
        // A passphrase that looks like SQL is only a passphrase.
        const voter2 = t.agent();
        await t.login(voter2, 'voter2');
        const sqlPass = "'); DROP TABLE sealed_ballots; --";
        const cast = await voter2.post(`${K}/vote`).type('form').send({ _csrf: await token(voter2), 'candidate@alice': '2', 'candidate@bob': '1', 'candidate@carol': '3', passphrase: sqlPass, passphrase_confirm: sqlPass });
        expect(cast.status).toBe(303);
        const view = await voter2.post(`${K}/view`).type('form').send({ _csrf: await token(voter2), passphrase: sqlPass });
        expect(view.status).toBe(200);
        expect(await t.kernel.repos.votes.countBallots(electionId)).toBe(2);
        // The exception request's SQL-looking comment was stored as written.
        const stored = await t.kernel.db('exception_requests').first();
        expect(stored.comments).toContain("'); DELETE FROM votes; --");
        expect(await t.kernel.repos.votes.countVotes(electionId)).toBe(2);
      });

      it('refuses oversized forms with 413 and over-long fields with 422, storing nothing', async () => {
        const voter3 = t.agent();
        await t.seedElection({ key: 'big', path: 'big', name: 'Big', voters: ['voter3'], exceptionDueAt: new Date(Date.now() + 86_400_000) });
        await t.login(voter3, 'voter3');
        const csrf = await token(voter3, '/app/elections/big');
        await unchanged(async () => {
          const huge = await voter3.post('/app/elections/big/vote').type('form').send({ _csrf: csrf, 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': '3', passphrase: 'x'.repeat(200_000), passphrase_confirm: 'x' });
          expect(huge.status).toBe(413);
          const many = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`f${i}`, '1']));
          expect((await voter3.post('/app/elections/big/vote').type('form').send({ _csrf: csrf, ...many })).status).toBe(413);
          const long = 'y'.repeat(1100);
          const tooLong = await voter3.post('/app/elections/big/vote').type('form').send({ _csrf: csrf, 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': '3', passphrase: long, passphrase_confirm: long });
          expect(tooLong.status).toBe(422);
          const twice = await voter3.post('/app/elections/big/vote').type('form').send(`_csrf=${encodeURIComponent(csrf)}&candidate%40alice=1&candidate%40alice=2&candidate%40bob=2&candidate%40carol=3&passphrase=&passphrase_confirm=`);
          expect(twice.status).toBe(422);
          const outsider = t.agent();
          await t.login(outsider, 'outsider9');
          const exCsrf = await token(outsider, '/app/elections/big/exception');
          const ex = await outsider.post('/app/elections/big/exception').type('form').send({ _csrf: exCsrf, name: 'n'.repeat(300), description: 'd'.repeat(10_001), chat: '', comments: '' });
          expect(ex.status).toBe(422);
        });
      });

      it('throttles passphrase guessing: 403 for each wrong guess, then 429 even for the right one', async () => {
        await t.seedElection({ key: 'guess', path: 'guess', name: 'Guess', voters: ['guessed'] });
        const owner = t.agent();
        await t.login(owner, 'guessed');
        const csrf = await token(owner, '/app/elections/guess');
        expect((await owner.post('/app/elections/guess/vote').type('form').send({ _csrf: csrf, 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': '3', passphrase: PASS, passphrase_confirm: PASS })).status).toBe(303);
        await unchanged(async () => {
          for (let i = 0; i < 5; i++) {
            const res = await owner.post('/app/elections/guess/view').type('form').send({ _csrf: csrf, passphrase: `guess number ${i}!` });
            expect(res.status).toBe(403);
          }
          for (const path of ['view', 'revoke']) {
            const locked = await owner.post(`/app/elections/guess/${path}`).type('form').send({ _csrf: csrf, passphrase: PASS });
            expect(locked.status).toBe(429);
            expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
            expect(locked.text).not.toContain('Rank 1');
          }
        });
      });
    });
  });
}
