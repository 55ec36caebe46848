import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { createWebApp } from '../../../services/web/app.js';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';

// Sign-in through the real OAuth flow against a fake GitHub on loopback, sign-out, the
// development sign-in, and where users land afterwards.

const K = '/app/elections/steering---2030';

function sessionCookie(res: supertest.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('urna.sid='));
}

describe('GitHub sign-in', () => {
  let t: TestWebApp;
  beforeAll(async () => {
    t = await startTestWebApp({ limits: { loginPerWindow: 40 } });
    await t.seedElection();
  });
  afterAll(async () => { await t?.close(); });

  /** The flow step by step, so each hop can be checked. */
  async function signIn(a: Agent, login: string, next: string) {
    t.github.authorizeAs(login, `${login} Name`);
    const page = await a.get(`/login?next=${encodeURIComponent(next)}`);
    const before = sessionCookie(page);
    const start = await a.post('/oauth/github/login').type('form').send({ _csrf: csrfFrom(page.text), next });
    const authorize = await fetch(start.headers.location, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    const done = await a.get(callback.pathname + callback.search).redirects(0);
    return { page, before, start, callback, done };
  }

  it('asks GitHub for no scope, with a random state, and returns to the page that asked', async () => {
    const a = t.agent();
    const { start, callback, done, before } = await signIn(a, 'Voter1', `${K}/vote`);
    expect(start.status).toBe(302);
    const authorizeUrl = new URL(start.headers.location);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${t.github.url}/login/oauth/authorize`);
    expect(authorizeUrl.searchParams.get('scope') ?? '').toBe('');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${t.url}/oauth/github/callback`);
    expect(callback.searchParams.get('state')).toMatch(/^[\w-]{16,}$/);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${K}/vote`);
    // A new session id on sign-in: no session fixation.
    const after = sessionCookie(done)!;
    expect(after).toBeDefined();
    expect(after.split(';')[0]).not.toBe(before?.split(';')[0]);
    const vote = await a.get(`${K}/vote`);
    expect(vote.status).toBe(200);
    expect(vote.text).toContain('Signed in as Voter1');
  });

  it('stores the user but never the GitHub token', async () => {
    const user = await t.kernel.repos.users.findByLogin('voter1');
    expect(user).toMatchObject({ login: 'Voter1', name: 'Voter1 Name' });
    const dump = JSON.stringify(await Promise.all(['users', 'sessions'].map((table) => t.kernel.db(table).select())));
    for (const token of t.github.issuedTokens) expect(dump).not.toContain(token);
  });

  it.each(['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/..//evil.example'])(
    'ignores the unsafe return path %s',
    async (next) => {
      const { done } = await signIn(t.agent(), 'voter2', next);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/app');
    },
  );

  it('refuses a callback whose state does not match, and a replayed one', async () => {
    const a = t.agent();
    const { callback } = await signIn(a, 'voter2', '/app');
    const replay = await a.get(callback.pathname + callback.search);
    expect(replay.status).toBe(403);
    const forged = await t.agent().get(`/oauth/github/callback?code=abc&state=forged`);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('Please sign in again');
  });

  it('says so when the user cancels at GitHub', async () => {
    t.github.denyNext();
    const { done } = await signIn(t.agent(), 'voter2', '/app');
    expect(done.status).toBe(403);
    expect(done.text).toContain('cancelled');
  });

  it('needs a CSRF token to start signing in', async () => {
    const res = await t.agent().post('/oauth/github/login').type('form').send({ next: '/app' });
    expect(res.status).toBe(403);
  });

  it('shows a 401 page with a sign-in form that comes back here', async () => {
    const res = await t.agent().get(`${K}/vote`);
    expect(res.status).toBe(401);
    expect(res.text).toContain('action="/oauth/github/login"');
    expect(res.text).toContain(`name="next" value="${K}/vote"`);
  });

  it('signs out only by POST with a CSRF token, and removes the session', async () => {
    const a = t.agent();
    await t.login(a, 'voter2');
    const sessionsBefore = await t.kernel.db('sessions').count({ n: '*' }).first();
    expect((await a.get('/logout')).status).toBe(200);
    expect((await a.get('/app/dashboard')).status).toBe(200);
    expect((await a.post('/logout').type('form').send({})).status).toBe(403);
    expect((await a.get('/app/dashboard')).status).toBe(200);
    const page = await a.get('/app/dashboard');
    const out = await a.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) }).redirects(0);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/app');
    const sessionsAfter = await t.kernel.db('sessions').count({ n: '*' }).first();
    expect(Number(sessionsAfter?.n)).toBe(Number(sessionsBefore?.n) - 1);
    expect((await a.get('/app/dashboard')).status).toBe(401);
  });

  it('keeps sessions in the database: another app process accepts the same cookie', async () => {
    const a = t.agent();
    const { done } = await signIn(a, 'voter2', '/app');
    const cookie = sessionCookie(done)!.split(';')[0];
    const second = await createWebApp(t.kernel);
    const res = await supertest(second).get('/app/dashboard').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Signed in as <strong>voter2</strong>');
  });

  it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
    const { done } = await signIn(t.agent(), 'voter2', '/app');
    const cookie = sessionCookie(done)!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('has no development sign-in outside development', async () => {
    expect((await t.agent().get('/auth/dev')).status).toBe(404);
    expect((await t.agent().get('/login')).text).not.toContain('/auth/dev');
  });
});

describe('sign-in rate limit', () => {
  let t: TestWebApp;
  beforeAll(async () => { t = await startTestWebApp({ limits: { loginPerWindow: 3 } }); });
  afterAll(async () => { await t?.close(); });

  it('answers 429 after too many sign-in starts from one address', async () => {
    const a = t.agent();
    const csrf = csrfFrom((await a.get('/login')).text);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.post('/oauth/github/login').type('form').send({ _csrf: csrf })).status);
    expect(statuses).toEqual([302, 302, 302, 429]);
  });
});

describe('development sign-in', () => {
  let t: TestWebApp;
  beforeAll(async () => {
    t = await startTestWebApp({ env: { APP_ENV: 'development', APP_URL: 'https://urna.example', TRUST_PROXY: 'loopback', GITHUB_CLIENT_ID: '', GITHUB_CLIENT_SECRET: '' } });
    await t.seedElection();
  });
  afterAll(async () => { await t?.close(); });

  it('offers only the development sign-in when GitHub is not configured', async () => {
    const page = await t.agent().get('/login').set('X-Forwarded-Proto', 'https');
    expect(page.text).toContain('/auth/dev');
    expect(page.text).not.toContain('Sign in with GitHub');
    expect((await t.agent().post('/oauth/github/login').set('X-Forwarded-Proto', 'https').type('form').send({})).status).toBe(403);
  });

  it('signs in as any valid login, with a Secure cookie behind https', async () => {
    // The cookie is Secure, so the test carries it by hand over the loopback http hop.
    const http = supertest(t.url);
    const form = await http.get(`/auth/dev?next=${encodeURIComponent(K)}`).set('X-Forwarded-Proto', 'https');
    expect(form.status).toBe(200);
    expect(form.headers['strict-transport-security']).toBeDefined();
    const cookie = sessionCookie(form)!;
    expect(cookie).toMatch(/Secure/);
    const post = () => http.post('/auth/dev').set('X-Forwarded-Proto', 'https').set('Cookie', cookie.split(';')[0]).type('form');
    const bad = await post().send({ _csrf: csrfFrom(form.text), login: 'not a login', next: K });
    expect(bad.status).toBe(422);
    const ok = await post().send({ _csrf: csrfFrom(form.text), login: 'Voter1', next: K }).redirects(0);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(K);
    expect(sessionCookie(ok)).toMatch(/Secure/);
  });
});
