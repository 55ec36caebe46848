import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/db/ids.js';
import { BullmqQueue } from '../../shared/queue/bullmq-queue.js';
import { urnaJobs } from '../../shared/queue/job-definitions.js';
import { createScenario, serverUrl, voterLogins, type Scenario } from '../support/fault-kit.js';
import { ballotFields, Browser, devLogin } from '../support/http-client.js';
import { DAY, metaDate } from '../support/meta-dates.js';
import { candidateMd, createMetaGitRepo, electionFiles, electionYaml, votersYaml, type MetaGitRepo } from '../support/meta-git-repo.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../support/proxy.js';
import { silentLogger } from '../support/silent-logger.js';
import { waitFor } from '../support/wait-for.js';
import { castSealedBallot } from '../support/ballots.js';

// Real processes on PostgreSQL and on MariaDB, with BullMQ on Redis, hit where it hurts:
// - kill -9 of the tally worker inside its counting transaction, and of the sync worker with one
//   election's transaction half written;
// - Redis unreachable (a TCP proxy cut, as a stopped Redis looks to its clients);
// - the database unreachable for a while.
// The four scenarios are independent and mostly wait (for BullMQ's stalled-job recovery, for
// reconnections), so they run side by side; the MariaDB four after the PostgreSQL four.

const KINDS = ['postgres', 'mysql'] as const;
type Kind = (typeof KINDS)[number];
const LABEL: Record<Kind, string> = { postgres: 'PostgreSQL', mysql: 'MariaDB' };
const available = (kind: Kind) => Boolean(serverUrl(kind) && serverUrl('redis'));
const SECRET = 'webhook secret for the outage test';

/** Holds the rows `query` selects, from a transaction of the test's own, until released. */
async function holdRowLocks(db: Knex, query: (trx: Knex.Transaction) => Knex.QueryBuilder): Promise<{ release(): Promise<void> }> {
  const trx = await db.transaction();
  await query(trx).forUpdate();
  return { release: () => trx.rollback().then(() => undefined, () => undefined) };
}

/** Some session of this database waits for a row lock in a statement matching `statement`. */
async function someoneWaits(kind: Kind, db: Knex, statement: RegExp): Promise<boolean> {
  let rows: Array<{ query: string | null }>;
  if (kind === 'postgres') {
    rows = (await db.raw(`select query from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows;
  } else {
    // A statement of another session of this database, running for a second or more. (The
    // tally's CREATE TEMPORARY TABLE ... SELECT waits for the row lock without showing as LOCK
    // WAIT in INNODB_TRX.) Every statement these tests wait for would finish in milliseconds
    // unless the test's lock held it.
    [rows] = await db.raw(`select INFO as query from information_schema.PROCESSLIST
      where DB = database() and COMMAND = 'Query' and ID <> connection_id() and TIME >= 1`);
  }
  return rows.some((r) => r.query !== null && statement.test(r.query));
}

async function withScenario(s: Scenario, work: () => Promise<void>, extra: Array<{ close(): unknown }> = []): Promise<void> {
  try {
    await work();
  } catch (err) {
    // The processes' own words are the best clue when a fault test fails.
    for (const p of s.processes) console.error(`--- ${p.name} ---\n${p.output().slice(-4000)}`);
    throw err;
  } finally {
    // The processes first: a sync worker still fetching into the meta checkout would race its removal.
    await s.close();
    for (const x of extra) await x.close();
  }
}

function webhook(url: string, body = JSON.stringify({ ref: 'refs/heads/main' })) {
  return fetch(`${url}/v1/webhooks/meta/sync`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
}

for (const kind of KINDS) describe.skipIf(!available(kind))(`crashes and outages on ${kind}`, () => {
  it.concurrent('tally worker killed inside its count: the job runs again on the next worker, one result is stored', async () => {
    const s = await createScenario(kind);
    await withScenario(s, async () => {
      const voters = voterLogins(300, 'counted');
      const electionId = (await s.seed({ key: 'counted', path: 'counted', voters, startAt: new Date(Date.now() - 7 * DAY), endAt: new Date(Date.now() - 60_000) })).id;
      for (const [i, login] of voters.entries()) {
        const user = await s.repos.users.upsertByLogin(login, null);
        await castSealedBallot(s.repos, { electionId, userId: user.id, ranking: [[['alice', 'bob', 'carol'][i % 3]!]] });
      }
      const [web, first] = await Promise.all([s.start('web', {}, 'web'), s.start('tally-worker', {}, 'tally-1')]);
      const officer = await devLogin(web.url, 'officer1', '10.9.0.1');
      const ask = async () => officer.post('/app/elections/counted/admin/results', { _csrf: await officer.csrf('/app/elections/counted/admin/'), ballots: String(voters.length) });

      // A ballot row held by the test stops the worker inside its counting transaction (which
      // holds the election and rewrites the ballots before counting them).
      const lock = await holdRowLocks(s.db.db, (trx) => trx('sealed_ballots').where({ election_id: electionId }).limit(1));
      try {
        expect((await ask()).status).toBe(303);
        await waitFor(() => someoneWaits(kind, s.db.db, /ballots/), 30_000, 50);
        const running = await s.db.db('tally_runs').where({ election_id: electionId });
        expect(running.map((r: { status: string; attempts: number }) => [r.status, r.attempts])).toEqual([['running', 1]]);
        await first.kill9();
      } finally {
        await lock.release();
      }
      // Nothing of the dead count is stored.
      expect((await s.repos.elections.findById(electionId))!.concludedAt).toBeNull();

      const killedAt = Date.now();
      await s.start('tally-worker', {}, 'tally-2');
      const done = await waitFor(async () => {
        const runs = await s.db.db('tally_runs').where({ election_id: electionId });
        return runs.length === 1 && runs[0].status === 'done' ? runs[0] : null;
      }, 150_000, 250);
      const recoveredAfter = Date.now() - killedAt;
      expect(done.attempts).toBe(2); // it really ran again
      expect(JSON.parse(done.result).ballots).toBe(300);
      expect((await s.repos.elections.findById(electionId))!.concludedAt).not.toBeNull();
      expect(await s.repos.votes.countBallots(electionId)).toBe(300);
      // Asking again answers with the stored run; nothing is counted twice.
      expect((await ask()).status).toBe(303);
      await new Promise((r) => setTimeout(r, 1000));
      const runs = await s.db.db('tally_runs').where({ election_id: electionId });
      expect(runs.map((r: { status: string; attempts: number }) => [r.status, r.attempts])).toEqual([['done', 2]]);
      console.info(`[figures] ${LABEL[kind]}: tally worker kill -9 mid-count: run finished by the next worker ${Math.round(recoveredAfter / 1000)} s after the kill (BullMQ stalled-job recovery); 1 result, 300 ballots`);
    });
  }, 240_000);

  it.concurrent('sync worker killed mid-apply: each election at its old or new version, never half; the next worker finishes', async () => {
    const s = await createScenario(kind);
    const meta = await createMetaGitRepo();
    const producer = new BullmqQueue(urnaJobs, silentLogger, { redisUrl: serverUrl('redis')!, prefix: s.redisPrefix });
    await withScenario(s, async () => {
      const DIRS = Array.from({ length: 12 }, (_, i) => `e${String(i).padStart(2, '0')}`);
      const shape = (v: 1 | 2) => ({
        voters: v === 1 ? ['amy', 'ben', 'cat'] : ['amy', 'ben', 'cat', 'dan', 'eve'],
        candidates: v === 1 ? ['alice', 'bob'] : ['alice', 'bob', 'carol'],
      });
      const files = (v: 1 | 2) => Object.assign({}, ...DIRS.map((dir) => ({
        ...electionFiles(`elections/${dir}`, { name: `${dir} version ${v}`, ...shape(v) }),
        [`elections/${dir}/candidate-alice.md`]: candidateMd('alice', 'Alice', `Statement of Alice, version ${v}.`),
      }))) as Record<string, string>;
      const expected = (v: 1 | 2, dir: string) => JSON.stringify({
        name: `${dir} version ${v}`,
        candidates: shape(v).candidates.map((id) => `${id}:${id === 'alice' ? `Statement of Alice, version ${v}.` : `Statement of ${id}.`}`).sort(),
        voters: shape(v).voters,
      });
      /** An election as stored, reduced to what the two versions differ in. */
      const stateOf = async (key: string) => {
        const e = await s.repos.elections.findByKey(key);
        if (!e) return 'absent';
        const candidates = (await s.repos.elections.listCandidates(e.id)).map((c) => `${c.key}:${c.bio.trim()}`).sort();
        const voters = (await s.repos.elections.listEligible(e.id)).map((v) => v.toLowerCase()).sort();
        return JSON.stringify({ name: e.name, candidates, voters });
      };
      const allAt = async (v: 1 | 2) => (await Promise.all(DIRS.map(stateOf))).every((st, i) => st === expected(v, DIRS[i]!));

      const env = { META_REPO: meta.remote, META_PATH: meta.checkout, META_BRANCH: 'main', SYNC_INTERVAL: '1h' };
      meta.write(files(1));
      await meta.commit('version 1');
      const first = await s.start('sync-worker', env, 'sync-1');
      await waitFor(() => allAt(1), 60_000, 200);

      meta.write(files(2));
      await meta.commit('version 2');
      // One election's candidates are held: its transaction updates the election row, then waits
      // at the candidates, half written, when the worker dies.
      const victim = (await s.repos.elections.findByKey('e07'))!;
      const lock = await holdRowLocks(s.db.db, (trx) => trx('candidates').where({ election_id: victim.id }));
      try {
        await producer.enqueue('sync-meta', { trigger: 'webhook' });
        await waitFor(() => someoneWaits(kind, s.db.db, /candidates/), 60_000, 50);
        await first.kill9();
      } finally {
        await lock.release();
      }

      const states = await Promise.all(DIRS.map(stateOf));
      expect(DIRS.filter((d, i) => states[i] !== expected(1, d) && states[i] !== expected(2, d))).toEqual([]);
      expect(await stateOf('e07')).toBe(expected(1, 'e07'));
      const moved = DIRS.filter((d, i) => states[i] === expected(2, d)).length;

      // The next worker gets the dead one's job back once BullMQ sees it stalled.
      const killedAt = Date.now();
      await s.start('sync-worker', env, 'sync-2');
      await waitFor(() => allAt(2), 150_000, 250);
      console.info(`[figures] ${LABEL[kind]}: sync worker kill -9 mid-apply: ${moved} of ${DIRS.length} elections had committed version 2, the other ${DIRS.length - moved} ` +
        `(the half-written one included) were intact at version 1; all at version 2 ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    }, [producer, { close: () => meta.cleanup() }]);
  }, 240_000);

  it.concurrent('Redis unreachable: pages, voting, view and revoke work; the webhook answers 503; queued work runs once Redis is back', async () => {
    const redis = targetOf(serverUrl('redis')!);
    const [webRedis, workerRedis] = await Promise.all([startTcpProxy(redis), startTcpProxy(redis)]);
    const s = await createScenario(kind, { redisUrl: null });
    const meta = await createMetaGitRepo();
    await withScenario(s, async () => {
      const viaWeb = webRedis.url(serverUrl('redis')!);
      const viaWorkers = workerRedis.url(serverUrl('redis')!);
      const prefix = { REDIS_PREFIX: s.redisPrefix };
      meta.write({
        'elections/open/election.yaml': electionYaml({ name: 'Open election', start_datetime: metaDate(-DAY), end_datetime: metaDate(DAY), exception_due: metaDate(0) }),
        'elections/open/voters.yaml': votersYaml(['voter-one', 'voter-two']),
        'elections/open/election_desc.md': 'Version one of the description.\n',
        'elections/open/candidate-alice.md': candidateMd('alice'),
        'elections/open/candidate-bob.md': candidateMd('bob'),
        'elections/closed/election.yaml': electionYaml({ name: 'Closed election', start_datetime: metaDate(-3 * DAY), end_datetime: metaDate(-DAY), exception_due: metaDate(-2 * DAY) }),
        'elections/closed/voters.yaml': votersYaml(['voter-one']),
        'elections/closed/candidate-alice.md': candidateMd('alice'),
        'elections/closed/candidate-bob.md': candidateMd('bob'),
      });
      await meta.commit('two elections');
      const metaEnv = { META_REPO: meta.remote, META_PATH: meta.checkout, SYNC_INTERVAL: '1h' };
      const [web] = await Promise.all([
        s.start('web', { REDIS_URL: viaWeb, ...prefix, META_SECRET: SECRET }, 'web'),
        s.start('sync-worker', { REDIS_URL: viaWorkers, ...prefix, ...metaEnv }, 'sync'),
        s.start('tally-worker', { REDIS_URL: viaWorkers, ...prefix }, 'tally'),
      ]);
      const closed = (await waitFor(() => s.repos.elections.findByKey('closed'), 60_000, 200))!;
      const voterOne = await s.repos.users.upsertByLogin('voter-one', null);
      await castSealedBallot(s.repos, { electionId: closed.id, userId: voterOne.id, ranking: [['bob'], ['alice']] });
      const voter = await devLogin(web.url, 'voter-one', '10.8.0.1');
      const officer = await devLogin(web.url, 'officer-one', '10.8.0.2');
      const officerToken = await officer.csrf('/app/elections/closed/admin/');

      // 1. The workers lose Redis; the web still reaches it and queues a sync (for a new commit)
      //    and a tally. Neither can run yet.
      meta.write({ 'elections/open/election_desc.md': 'Version two of the description.\n' });
      await meta.commit('new description');
      await workerRedis.cut();
      expect((await webhook(web.url)).status).toBe(202);
      expect((await officer.post('/app/elections/closed/admin/results', { _csrf: officerToken, ballots: '1' })).status).toBe(303);

      // 2. Redis is gone for everybody.
      await webRedis.cut();
      const outageStarted = Date.now();
      expect((await voter.get('/app')).status).toBe(200);
      expect((await voter.get('/app/elections/open')).status).toBe(200);
      const pass = 'redis is down, votes are not';
      const token = await voter.csrf('/app/elections/open/vote');
      const cast = await voter.post('/app/elections/open/vote', { _csrf: token, ...ballotFields({ alice: '2', bob: '1' }), passphrase: pass, passphrase_confirm: pass });
      expect(cast.status).toBe(303);
      const view = await voter.post('/app/elections/open/view', { _csrf: token, passphrase: pass });
      expect(view.status).toBe(200);
      expect(view.text).toMatch(/Rank 1: <\/span><span>bob[\s\S]*Rank 2: <\/span><span>alice/);
      const revoke = await voter.post('/app/elections/open/revoke', { _csrf: token, passphrase: pass });
      expect(revoke.status).toBe(303);
      const open = (await s.repos.elections.findByKey('open'))!;
      expect(await s.repos.votes.countBallots(open.id)).toBe(0);
      const again = await voter.post('/app/elections/open/vote', { _csrf: await voter.csrf('/app/elections/open/vote'), ...ballotFields({ alice: '1', bob: '2' }), passphrase: '', passphrase_confirm: '' });
      expect(again.status).toBe(303);
      expect(await s.repos.votes.countBallots(open.id)).toBe(1);
      // Stay down long enough for every client to be in its reconnect back-off.
      await new Promise((r) => setTimeout(r, 5000));
      const hook = await webhook(web.url);
      expect(hook.status).toBe(503);
      expect((await voter.get('/app/elections/open')).status).toBe(200);
      expect((await fetch(`${web.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${web.url}/readyz?check=database`)).status).toBe(200);
      // Nothing queued before the outage has run.
      expect((await s.repos.elections.findByKey('open'))!.description).toContain('Version one');
      expect((await s.db.db('tally_runs').where({ election_id: closed.id }))[0].status).toBe('queued');
      const outageMs = Date.now() - outageStarted;

      // 3. Redis is back: the queued sync and tally run, once each, and webhooks are accepted again.
      await Promise.all([webRedis.restore(), workerRedis.restore()]);
      const back = Date.now();
      await waitFor(async () => (await s.repos.elections.findByKey('open'))!.description.includes('Version two'), 90_000, 250);
      const tallied = await waitFor(async () => {
        const runs = await s.db.db('tally_runs').where({ election_id: closed.id });
        return runs.length === 1 && runs[0].status === 'done' ? runs[0] : null;
      }, 90_000, 250);
      expect(tallied.attempts).toBe(1);
      expect(JSON.parse(tallied.result).ballots).toBe(1);
      const queuedRanAfter = Date.now() - back;
      await waitFor(async () => (await webhook(web.url)).status === 202, 30_000, 250);
      const syncs = await s.db.db('sync_runs').where({ trigger: 'webhook' });
      expect(syncs.filter((r: { status: string }) => r.status === 'done')).toHaveLength(1);
      console.info(`[figures] ${LABEL[kind]}: Redis cut for ${Math.round(outageMs / 100) / 10} s: vote, view, revoke, re-vote and pages answered normally, webhook 503; ` +
        `the sync and tally queued before the cut ran once each within ${Math.round(queuedRanAfter / 100) / 10} s of Redis coming back`);
    }, [webRedis, workerRedis, { close: () => meta.cleanup() }]);
  }, 240_000);

  it.concurrent('database unreachable for a while: a clear 503 page, then recovery without a restart', async () => {
    let proxy: TcpProxy | undefined;
    const s = await createScenario(kind, {
      databaseUrl: (direct) => direct, // replaced below, once the proxy has its port
    });
    proxy = await startTcpProxy(targetOf(s.databaseUrl));
    const viaProxy = proxy.url(s.databaseUrl);
    await withScenario(s, async () => {
      const voters = ['steady-voter', 'late-voter'];
      const electionId = (await s.seed({ key: 'steady', path: 'steady', voters })).id;
      const web = await s.start('web', { DATABASE_URL: viaProxy }, 'web');
      const voter = await devLogin(web.url, 'steady-voter', '10.7.0.1');
      const token = await voter.csrf('/app/elections/steady/vote');

      await proxy!.cut();
      const started = Date.now();
      const anonymous = new Browser(web.url);
      for (const [who, path] of [[anonymous, '/app'], [voter, '/app/elections/steady'], [voter, '/app/elections/steady/vote']] as const) {
        const page = await who.get(path);
        expect(page.status).toBe(503);
        expect(page.headers.get('retry-after')).toBeTruthy();
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(page.text).toContain('database');
        expect(page.text).not.toMatch(/ECONNREFUSED|knex|stack|at \w+ \(/);
      }
      const refused = await voter.post('/app/elections/steady/vote', { _csrf: token, ...ballotFields({ alice: '1', bob: '2', carol: '3' }), passphrase: '', passphrase_confirm: '' });
      expect(refused.status).toBe(503);
      expect((await fetch(`${web.url}/healthz`)).status).toBe(200); // alive: no restart wanted
      expect((await fetch(`${web.url}/readyz`)).status).toBe(503); // but out of the load balancer
      const slowest = Date.now() - started;
      await new Promise((r) => setTimeout(r, 3000)); // "a while"

      await proxy!.restore();
      const back = Date.now();
      await waitFor(async () => (await anonymous.get('/app')).status === 200, 30_000, 100);
      const recoveredMs = Date.now() - back;
      const vote = await voter.post('/app/elections/steady/vote', { _csrf: token, ...ballotFields({ alice: '1', bob: '2', carol: '3' }), passphrase: '', passphrase_confirm: '' });
      expect(vote.status).toBe(303);
      expect(await s.repos.votes.countVotes(electionId)).toBe(1);
      expect(await s.repos.votes.countBallots(electionId)).toBe(1);
      expect(web.child.exitCode).toBeNull();
      console.info(`[figures] ${LABEL[kind]}: database cut: 503 pages within ${slowest} ms for 4 requests; served again ${recoveredMs} ms after it came back, same process`);
    }, [{ close: () => proxy?.close() }]);
  }, 240_000);
});
