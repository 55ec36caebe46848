import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config/config.js';
import { bootKernel, type Kernel } from '../../../shared/kernel/kernel.js';
import { createWebApp } from '../../../services/web/app.js';
import type { WebLimits } from '../../../services/web/web-env.js';
import { databaseTargets } from '../../support/databases.js';
import { Browser } from '../../support/http-client.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../../support/proxy.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestWebApp, type TestWebApp } from '../../support/web-app.js';

// Two web app instances over one database, as two web processes behind a load balancer: the
// sign-in limit, the passphrase limit and the passphrase lockout count attempts on both together.
// Requests alternate between the instances; with counters per instance every one would pass.

const K = '/app/elections/steering---2030';
const PASS = 'a long enough passphrase';
const BALLOT = { 'candidate@alice': '1', 'candidate@bob': '2', 'candidate@carol': 'none' };
const LIMITS: Partial<WebLimits> = { loginPerWindow: 6, passphrasePerWindow: 6, lockoutAfterFailures: 3, lockoutBaseMs: 60_000 };

interface SecondInstance {
  url: string;
  kernel: Kernel;
  close(): Promise<void>;
}

/** Another web app with the first one's configuration and clock, reaching the database through `proxy` if given. */
async function startSecondInstance(t: TestWebApp, proxy: TcpProxy | null): Promise<SecondInstance> {
  const database = proxy ? { ...t.config.database, connection: proxy.url(t.config.database.connection) } : t.config.database;
  const config: Config = { ...t.config, database };
  const kernel = await bootKernel(config, [], { logger: silentLogger, now: () => t.kernel.now() });
  const server: Server = createServer(await createWebApp(kernel, { limits: LIMITS }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    kernel,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kernel.shutdown.run('test finished');
    },
  };
}

/** Signs in through the first instance (the OAuth flow against the fake GitHub); the session works on both. */
async function signIn(t: TestWebApp, login: string): Promise<Browser> {
  const b = new Browser(t.url);
  t.github.authorizeAs(login);
  const start = await b.post('/oauth/github/login', { _csrf: await b.csrf('/login'), next: '/app' });
  const authorize = await fetch(start.location!, { redirect: 'manual' });
  const callback = new URL(authorize.headers.get('location')!);
  const done = await b.get(callback.pathname + callback.search);
  if (done.status !== 303) throw new Error(`sign-in of ${login} answered ${done.status}`);
  return b;
}

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`attempt limits shared by two web instances on ${target.kind}`, () => {
    let t: TestWebApp;
    let proxy: TcpProxy | null = null;
    let second: SecondInstance;
    /** The base URLs, alternated request by request. */
    let both: [string, string];
    const instance = (i: number) => both[i % 2]!;

    beforeAll(async () => {
      t = await startTestWebApp({ kind: target.kind, env: { TRUST_PROXY: 'loopback' }, limits: LIMITS });
      // SQLite has no server to cut off; the outage test below runs on PostgreSQL and MariaDB.
      if (target.kind !== 'sqlite') proxy = await startTcpProxy(targetOf(t.config.database.connection));
      second = await startSecondInstance(t, proxy);
      both = [t.url, second.url];
      await t.seedElection();
    });
    afterAll(async () => {
      await second?.close();
      await proxy?.close();
      await t?.close();
    });

    async function voteWithPassphrase(login: string): Promise<{ voter: Browser; csrf: string }> {
      const voter = await signIn(t, login);
      const csrf = await voter.csrf(K);
      const cast = await voter.post(`${K}/vote`, { _csrf: csrf, ...BALLOT, passphrase: PASS, passphrase_confirm: PASS });
      expect(cast.status).toBe(303);
      return { voter, csrf };
    }

    it('locks the ballot on both instances after wrong passphrases sent to either', async () => {
      const { voter, csrf } = await voteWithPassphrase('voter1');
      const guesses = ['wrong guess 1', 'wrong guess 2', 'wrong guess 3'];
      for (const [i, guess] of guesses.entries()) {
        expect((await voter.post(`${K}/view`, { _csrf: csrf, passphrase: guess }, instance(i))).status).toBe(403);
      }
      // Instance 2 saw one wrong passphrase and instance 1 two: each alone would still let the right one through.
      for (const base of both) {
        const locked = await voter.post(`${K}/view`, { _csrf: csrf, passphrase: PASS }, base);
        expect(locked.status).toBe(429);
        expect(locked.text).toContain('Too many wrong passphrases');
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(55);
      }
    });

    it('counts passphrase attempts per user on both instances together', async () => {
      const { voter, csrf } = await voteWithPassphrase('voter2');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await voter.post(`${K}/view`, { _csrf: csrf, passphrase: PASS }, instance(i))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      const limited = await voter.post(`${K}/view`, { _csrf: csrf, passphrase: PASS }, second.url);
      expect(limited.text).toContain('Too many passphrase attempts');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    });

    it('counts sign-in starts per client address on both instances together', async () => {
      const client = new Browser(t.url, '203.0.113.9');
      const csrf = await client.csrf('/login');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await client.post('/oauth/github/login', { _csrf: csrf }, instance(i))).status);
      expect(statuses).toEqual([302, 302, 302, 302, 302, 302, 429, 429]);
      // Another address has its own count.
      const neighbour = new Browser(second.url, '203.0.113.10');
      expect((await neighbour.post('/oauth/github/login', { _csrf: await neighbour.csrf('/login') })).status).toBe(302);
    });

    it('stores no user id, login, election id or address in the counters', async () => {
      const rows = await t.kernel.db('attempt_counters').select();
      // voter1's lockout (voter2's was cleared by the right passphrase), both voters' passphrase
      // counts, three addresses' sign-in counts.
      expect(rows.length).toBe(6);
      for (const row of rows) expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      const users = await t.kernel.db('users').select('id', 'login');
      const elections = await t.kernel.db('elections').select('id', 'key');
      const secrets = [...users.flatMap((u) => [u.id, u.login]), ...elections.flatMap((e) => [e.id, e.key]), '203.0.113.9', '127.0.0.1'];
      const dump = JSON.stringify(rows);
      for (const s of secrets) expect(dump).not.toContain(String(s));
    });

    it.skipIf(target.kind === 'sqlite')('refuses a sign-in with 503 while the database is unreachable, instead of leaving it uncounted', async () => {
      // Without a session cookie nothing before the limiter reads the database: the limiter's
      // count is the first query this request makes.
      const callback = `${t.config.github.redirectPath}?code=x&state=y`;
      const client = new Browser(second.url, '203.0.113.20');
      const usual = (await client.get(callback, t.url)).status;
      expect(usual).not.toBe(503);
      await proxy!.cut();
      try {
        const refused = await client.get(callback);
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBeTruthy();
      } finally {
        await proxy!.restore();
      }
      await waitFor(async () => (await client.get(callback)).status === usual);
    });
  });
}
