import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../shared/logging/logger.js';
import { csrfFrom, startTestWebApp, type Agent, type TestWebApp } from '../../support/web-app.js';

// Headers, CSRF, caching, error pages, rate limits and the lockout, and what reaches the logs.

const K = '/app/elections/steering---2030';
const PASS = 'a long enough passphrase';
const ballot = { 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': 'none' };

describe('web security', () => {
  let t: TestWebApp;
  let voter: Agent;
  let logs = '';
  const sink = new Writable({ write(chunk, _enc, done) { logs += String(chunk); done(); } });

  beforeAll(async () => {
    t = await startTestWebApp({
      logger: createLogger({ level: 'trace' }, sink),
      limits: { lockoutAfterFailures: 3, lockoutBaseMs: 60_000, passphrasePerWindow: 8 },
    });
    await t.seedElection({ description: 'Hi <img src=x onerror=alert(1)> [x](javascript:alert(1)) <!-- secret comment -->' });
    voter = t.agent();
    await t.login(voter, 'voter1');
  });
  afterAll(async () => { await t?.close(); });

  it('sends a nonce CSP that every script tag carries, and no inline scripts or styles', async () => {
    const res = await voter.get(`${K}/vote`);
    const csp = res.headers['content-security-policy'];
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`form-action 'self' ${t.github.url}`);
    const scripts = [...res.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBe(3);
    for (const attrs of scripts) {
      expect(attrs).toContain(`nonce="${nonce}"`);
      expect(attrs).toMatch(/src="\/static\//);
    }
    expect(res.text).not.toMatch(/<script[^>]*>[^<]/);
    expect(res.text).not.toMatch(/\sstyle=/);
    expect(res.text).not.toMatch(/\son\w+=/);
    expect(res.text).toContain('&quot;includeIndicatorStyles&quot;:false');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    const other = await voter.get(`${K}/vote`);
    expect(/'nonce-([^']+)'/.exec(other.headers['content-security-policy'])![1]).not.toBe(nonce);
  });

  it('sanitises markdown from the meta repository', async () => {
    const res = await voter.get(K);
    expect(res.text).not.toMatch(/onerror|javascript:|secret comment/);
  });

  it('marks personal pages no-store and public ones no-cache', async () => {
    expect((await voter.get(K)).headers['cache-control']).toBe('no-store');
    expect((await voter.get('/app')).headers['cache-control']).toBe('no-store');
    expect((await t.agent().get(K)).headers['cache-control']).toBe('no-cache');
  });

  it('checks the CSRF token on every POST: field, htmx header, wrong, missing, cross-site', async () => {
    const page = await voter.get(K);
    const csrf = csrfFrom(page.text);
    // htmx sends the token from <body hx-headers>, masked afresh like every copy on the page.
    const header = /hx-headers="\{&quot;X-CSRF-Token&quot;:&quot;([\w-]+)&quot;\}"/.exec(page.text)![1];
    expect(header).not.toBe(csrf);
    const review = (extra: (r: ReturnType<Agent['post']>) => ReturnType<Agent['post']>, body: Record<string, string>) =>
      extra(voter.post(`${K}/vote/review`).type('form')).send({ ...ballot, ...body });
    expect((await review((r) => r, { _csrf: csrf })).status).toBe(200);
    expect((await review((r) => r.set('X-CSRF-Token', header).set('HX-Request', 'true'), {})).status).toBe(200);
    const missing = await review((r) => r, {});
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired');
    expect((await review((r) => r, { _csrf: `${csrf.slice(0, -1)}x` })).status).toBe(403);
    expect((await review((r) => r.set('Sec-Fetch-Site', 'cross-site'), { _csrf: csrf })).status).toBe(403);
  });

  it('keeps the passphrase out of logs, sessions and the job queue', async () => {
    const enqueue = vi.spyOn(t.kernel.queue, 'enqueue');
    const csrf = csrfFrom((await voter.get(K)).text);
    const cast = await voter.post(`${K}/vote`).type('form').send({ _csrf: csrf, ...ballot, passphrase: PASS, passphrase_confirm: PASS }).redirects(0);
    expect(cast.status).toBe(303);
    await voter.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: `${PASS} wrong` });
    await voter.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: PASS });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(PASS);
    const sessions = JSON.stringify(await t.kernel.db('sessions').select());
    expect(sessions).not.toContain(PASS);
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('locks view and revoke after repeated wrong passphrases, even for the right one', async () => {
    const csrf = csrfFrom((await voter.get(K)).text);
    const attempt = (passphrase: string, path = 'view') => voter.post(`${K}/${path}`).type('form').send({ _csrf: csrf, passphrase });
    expect((await attempt('wrong one 1')).status).toBe(403);
    expect((await attempt('wrong one 2', 'revoke')).status).toBe(403);
    expect((await attempt('wrong one 3')).status).toBe(403);
    const locked = await attempt(PASS);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many wrong passphrases');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.kernel.repos.votes.countVotes((await t.kernel.repos.elections.findByKey('steering---2030'))!.id)).toBe(1);
  });

  it('rate-limits passphrase attempts per user, right or wrong', async () => {
    const other = t.agent();
    await t.login(other, 'voter2');
    const csrf = csrfFrom((await other.get(K)).text);
    await other.post(`${K}/vote`).type('form').send({ _csrf: csrf, ...ballot, passphrase: PASS, passphrase_confirm: PASS });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await other.post(`${K}/view`).type('form').send({ _csrf: csrf, passphrase: PASS })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
  });

  it('shows a friendly 500 page without internals when something breaks', async () => {
    await t.kernel.db.schema.dropTable('exception_requests');
    const res = await voter.get(K);
    expect(res.status).toBe(500);
    expect(res.text).toContain('Something went wrong');
    expect(res.text).not.toMatch(/exception_requests|SQLITE|at .*\.[jt]s:\d+|stack/i);
    expect(logs).toContain('request failed');
  });
});
