import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallotSealer } from '../../shared/crypto/ballot-link.js';
import { dialectOf } from '../../shared/db/dialect.js';
import { databaseTargets } from '../support/databases.js';
import { createScenario, ipOf, redisKeys, serverUrl, voterLogins, type Scenario } from '../support/fault-kit.js';
import { ballotFields, csrfOf, devLogin, type Browser } from '../support/http-client.js';
import type { UrnaProcess } from '../support/processes.js';
import { spearman, xidPairingSuccess } from '../support/rank-stats.js';
import { waitFor } from '../support/wait-for.js';

// The secrecy target of DESIGN.md, checked the way an attacker holding everything would look:
// after 100 votes with passphrases through a real Urna process (plus views, a wrong passphrase,
// a revoke and re-vote, an exception request and a tally), dump every table, the process's
// logs and every Redis key of its job queue, and show that
// - no passphrase appears anywhere, in any encoding;
// - ballots carry no user id, login or timestamp, and ballot ids appear nowhere but in ballots;
// - vote rows carry no timestamp and no plain ballot id;
// - the stored order of ballots does not follow the order of voting, and on PostgreSQL the
//   transaction ids (xmin) no longer pair vote rows with ballots (figures printed, SECURITY.md);
// - the logs carry no passphrase, ballot id, ranking, session id or CSRF token;
// - job data carries ids only.

const VOTERS = 100;
const E = '/app/elections/audit';
const CANDIDATES = ['alice', 'bob', 'carol', 'dave'];
const sealer = new BallotSealer({ memoryKiB: 8192, passes: 1, parallelism: 1 }, 4);

interface Cast { login: string; userId: string; passphrase: string }

async function tableNames(db: Knex): Promise<string[]> {
  switch (dialectOf(db)) {
    case 'postgres':
      return (await db.raw(`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).rows.map((r: { t: string }) => r.t);
    case 'mysql':
      return (await db.raw('select table_name as t from information_schema.tables where table_schema = database()'))[0].map((r: { t: string }) => r.t);
    default:
      return (await db.raw(`select name as t from sqlite_master where type = 'table' and name not like 'sqlite_%'`)).map((r: { t: string }) => r.t);
  }
}

async function columnTypes(db: Knex, table: string): Promise<Record<string, string>> {
  switch (dialectOf(db)) {
    case 'postgres':
      return Object.fromEntries((await db.raw('select column_name as c, data_type as t from information_schema.columns where table_name = ?', [table])).rows.map((r: { c: string; t: string }) => [r.c, r.t]));
    case 'mysql':
      return Object.fromEntries((await db.raw('select column_name as c, data_type as t from information_schema.columns where table_schema = database() and table_name = ?', [table]))[0].map((r: { c: string; t: string }) => [r.c, r.t]));
    default:
      return Object.fromEntries((await db.raw(`select name as c, type as t from pragma_table_info(?)`, [table])).map((r: { c: string; t: string }) => [r.c, r.t]));
  }
}

/** Every value of every row, as text, with binary values also in hex, base64 and latin1, so a secret in any of those encodings is found. */
function dumpRows(rows: Array<Record<string, unknown>>): string {
  return rows.map((row) => Object.values(row).map((v) => {
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
      const b = Buffer.from(v);
      return `${b.toString('hex')} ${b.toString('base64')} ${b.toString('latin1')}`;
    }
    return v instanceof Date ? v.toISOString() : String(v);
  }).join('\t')).join('\n');
}

async function dumpRedis(url: string, prefix: string): Promise<{ text: string; jobs: Array<Record<string, string>> }> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const parts: string[] = [];
  const jobs: Array<Record<string, string>> = [];
  try {
    for (const key of await redisKeys(url, prefix)) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') {
        const h = await redis.hgetall(key);
        value = h;
        if ('data' in h && 'name' in h) jobs.push(h);
      } else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.call('ZRANGE', key, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      parts.push(`${key}\t${JSON.stringify(value)}`);
    }
  } finally {
    redis.disconnect();
  }
  return { text: parts.join('\n'), jobs };
}

/** The ballot ids in the order a plain scan returns them: the physical order (PostgreSQL: ctid). */
async function storedOrder(db: Knex, electionId: string): Promise<string[]> {
  const rows: Array<{ id: string; election_id: string }> = dialectOf(db) === 'postgres'
    ? (await db.raw('select id, election_id from ballots order by ctid')).rows
    : await db.raw('select id, election_id from ballots').then((r: unknown) => (dialectOf(db) === 'mysql' ? (r as [Array<{ id: string; election_id: string }>])[0] : r as Array<{ id: string; election_id: string }>));
  return rows.filter((r) => r.election_id === electionId).map((r) => r.id);
}

for (const target of databaseTargets()) {
  describe.skipIf(!target.available || !serverUrl('redis'))(`secrecy audit on ${target.kind}`, () => {
    let s: Scenario;
    let proc: UrnaProcess;
    let electionId: string;
    const logins = voterLogins(VOTERS, 'audit');
    const casts: Cast[] = []; // in the order of voting (the final cast of each voter)
    const passphrases: string[] = [];
    const browserSecrets: string[] = [];
    const figures: string[] = [];

    const ballotIdsInVotingOrder = async () => Promise.all(casts.map(async (c) => {
      const vote = await s.repos.votes.findVote(electionId, c.userId);
      return (await sealer.open(c.passphrase, vote!.link!, { electionId, userId: c.userId }))!;
    }));

    const remember = (b: Browser, ...secrets: string[]) => {
      browserSecrets.push(...[...b.cookies.values()].flatMap((v) => [v, decodeURIComponent(v)]), ...secrets);
    };

    async function vote(b: Browser, login: string, userId: string, i: number) {
      const passphrase = `${randomBytes(9).toString('base64url')} ${login}`;
      passphrases.push(passphrase);
      const form = await b.get(`${E}/vote`);
      expect(form.status).toBe(200);
      const token = csrfOf(form.text);
      remember(b, token);
      const ranks = Object.fromEntries(CANDIDATES.map((c, k) => [c, String(((i + k) % CANDIDATES.length) + 1)]));
      if (i % 5 === 0) ranks.dave = 'none';
      const review = await b.post(`${E}/vote/review`, { _csrf: token, ...ballotFields(ranks) });
      expect(review.status).toBe(200);
      const cast = await b.post(`${E}/vote`, { _csrf: token, ...ballotFields(ranks), passphrase, passphrase_confirm: passphrase });
      expect(cast.status).toBe(303);
      casts.push({ login, userId, passphrase });
      return { token, passphrase };
    }

    beforeAll(async () => {
      s = await createScenario(target.kind);
      electionId = (await s.seed({
        key: 'audit', path: 'audit', name: 'Audit', voters: logins, officers: ['audit-officer'], exceptionDueAt: new Date(Date.now() + 86_400_000),
        candidates: CANDIDATES.map((c) => ({ key: c, name: `Candidate ${c}`, file: `audit/candidate-${c}.md`, info: {}, bio: `Bio of ${c}` })),
      })).id;
      proc = await s.start('web,tally-worker', { LOG_LEVEL: 'debug' }, `urna-${target.kind}`);

      const browsers: Browser[] = [];
      for (const [i, login] of logins.entries()) {
        const b = await devLogin(proc.url, login, ipOf(i + 1));
        browsers.push(b);
        const user = await s.repos.users.findByLogin(login);
        await vote(b, login, user!.id, i);
      }
      // Views (one after a wrong passphrase), a revoke and a later re-vote.
      for (const i of [3, 4, 5]) {
        const b = browsers[i]!;
        const token = await b.csrf(`${E}/view`);
        if (i === 5) {
          const wrong = `wrong ${randomBytes(6).toString('hex')}`;
          passphrases.push(wrong);
          expect((await b.post(`${E}/view`, { _csrf: token, passphrase: wrong })).status).toBe(403);
        }
        const view = await b.post(`${E}/view`, { _csrf: token, passphrase: casts[i]!.passphrase });
        expect(view.status).toBe(200);
      }
      const reVoter = casts[10]!;
      const rb = browsers[10]!;
      expect((await rb.post(`${E}/revoke`, { _csrf: await rb.csrf(`${E}/revoke`), passphrase: reVoter.passphrase })).status).toBe(303);
      casts.splice(10, 1);
      await vote(rb, reVoter.login, reVoter.userId, 10);
      // Someone not on the list asks for an exception.
      const outsider = await devLogin(proc.url, 'audit-outsider', ipOf(900));
      const token = await outsider.csrf(`${E}/exception`);
      expect((await outsider.post(`${E}/exception`, { _csrf: token, name: 'Out Sider', chat: '@outsider', description: 'I reviewed many pull requests.', comments: '' })).status).toBe(303);
      remember(outsider, token);
      for (const b of browsers) remember(b);
      if (dialectOf(s.db.db) === 'postgres') {
        // The server mixes new ballots in batches, within moments of the votes (BallotMixer).
        await waitFor(async () => (await s.db.db.raw('select count(*)::int as n from ballots b join votes v on v.election_id = b.election_id and v.xmin = b.xmin')).rows[0].n === 0);
      }
    }, 240_000);
    afterAll(async () => {
      if (figures.length) console.info(`[figures] secrecy audit on ${target.kind}:\n  ${figures.join('\n  ')}`);
      await s?.close();
    });

    it('stores ballots without user, timestamp or voting order, and vote rows without timestamp', async () => {
      const db = s.db.db;
      const ballotCols = await columnTypes(db, 'ballots');
      const voteCols = await columnTypes(db, 'votes');
      expect(Object.keys(ballotCols).sort()).toEqual(['election_id', 'id', 'ranking']);
      expect(Object.keys(voteCols).sort()).toEqual(['election_id', 'id', 'kdf', 'salt', 'sealed_ballot', 'user_id']);
      for (const type of [...Object.values(ballotCols), ...Object.values(voteCols)]) expect(type).not.toMatch(/date|time/i);
      const ballots = await db('ballots').where({ election_id: electionId });
      expect(ballots).toHaveLength(VOTERS);
      const users = await db('users').select('id', 'login');
      const ballotText = dumpRows(ballots);
      for (const u of users) {
        expect(ballotText).not.toContain(u.id);
        expect(ballotText.toLowerCase()).not.toContain(u.login.toLowerCase());
      }

      const inVotingOrder = await ballotIdsInVotingOrder();
      expect(new Set(inVotingOrder).size).toBe(VOTERS);
      const order = await storedOrder(db, electionId);
      expect(order.sort()).toEqual([...inVotingOrder].sort());
      const stored = await storedOrder(db, electionId);
      const rho = spearman(inVotingOrder.map((_, i) => i), inVotingOrder.map((id) => stored.indexOf(id)));
      figures.push(`during voting: Spearman(voting order, stored order) = ${rho.toFixed(3)} over ${VOTERS} ballots`);
      expect(Math.abs(rho)).toBeLessThan(0.4);

      if (target.kind === 'postgres') {
        const xid = async (table: string) => new Map(((await db.raw(`select id, ${table === 'votes' ? 'user_id, ' : ''}xmin::text as x from ${table} where election_id = ?`, [electionId])).rows as Array<{ id: string; user_id?: string; x: string }>)
          .map((r) => [r.user_id ?? r.id, BigInt(r.x)]));
        const voteXid = await xid('votes');
        const ballotXid = await xid('ballots');
        const pairs = casts.map((c, i) => ({ xid: voteXid.get(c.userId)!, ballotId: inVotingOrder[i]! }));
        const same = pairs.filter((p) => ballotXid.get(p.ballotId) === p.xid).length;
        const success = xidPairingSuccess(pairs, [...ballotXid].map(([id, x]) => ({ id, xid: x })));
        const xidRho = spearman(pairs.map((_, i) => i), pairs.map((p) => Number(ballotXid.get(p.ballotId))));
        figures.push(`during voting: xmin of vote row = xmin of its ballot for ${same}/${VOTERS}; pairing by next xmin succeeds ${(success * 100).toFixed(1)}% (blind guess ${(100 / VOTERS).toFixed(1)}%); Spearman(voting order, ballot xmin) = ${xidRho.toFixed(3)}`);
        expect(same).toBe(0);
        expect(success).toBeLessThan(0.1);
        const settings = Object.fromEntries(await Promise.all(['track_commit_timestamp', 'log_statement', 'wal_level'].map(async (name) => [name, (await db.raw(`show ${name}`)).rows[0][name]])));
        figures.push(`server settings: ${JSON.stringify(settings)} (commit timestamps would date every xmin; statement logs would record every vote)`);
      }
      if (target.kind === 'mysql') {
        const vars = (await db.raw(`show variables where variable_name in ('log_bin', 'general_log', 'binlog_format')`))[0] as Array<{ Variable_name: string; Value: string }>;
        figures.push(`server settings: ${vars.map((v) => `${v.Variable_name}=${v.Value}`).join(', ')} (InnoDB's hidden DB_TRX_ID is not readable through SQL; see SECURITY.md)`);
      }
    });

    it('after the tally, every ballot has been rewritten in a random order', async () => {
      const db = s.db.db;
      await db('elections').where({ id: electionId }).update({ end_at: new Date(Date.now() - 1000) });
      const officer = await devLogin(proc.url, 'audit-officer', ipOf(901));
      const token = await officer.csrf(`${E}/admin/`);
      remember(officer, token);
      expect((await officer.post(`${E}/admin/results`, { _csrf: token })).status).toBe(303);
      const run = await waitFor(async () => {
        const r = await db('tally_runs').where({ election_id: electionId }).first();
        return r?.status === 'done' ? r : null;
      }, 60_000, 200);
      expect(JSON.parse(run.result).ballots).toBe(VOTERS);

      const inVotingOrder = await ballotIdsInVotingOrder();
      const stored = await storedOrder(db, electionId);
      const rho = spearman(inVotingOrder.map((_, i) => i), inVotingOrder.map((id) => stored.indexOf(id)));
      figures.push(`after the tally: Spearman(voting order, stored order) = ${rho.toFixed(3)}`);
      expect(Math.abs(rho)).toBeLessThan(0.4);
      if (target.kind === 'postgres') {
        const xmins = (await db.raw('select count(distinct xmin::text)::int as n from ballots where election_id = ?', [electionId])).rows[0].n;
        figures.push(`after the tally: all ${VOTERS} ballots share ${xmins} xmin (pairing by xmin = blind guess, ${(100 / VOTERS).toFixed(1)}%)`);
        expect(xmins).toBe(1);
      }
    });

    it('keeps passphrases, ballot ids, rankings, sessions and tokens out of tables, logs and job data', async () => {
      const db = s.db.db;
      const tables = await tableNames(db);
      expect(tables).toEqual(expect.arrayContaining(['ballots', 'votes', 'users', 'sessions', 'tally_runs', 'exception_requests']));
      const dumps = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, dumpRows(await db(t).select('*'))] as const)));
      const everything = Object.values(dumps).join('\n');
      const logs = proc.output();
      const redis = await dumpRedis(serverUrl('redis')!, s.redisPrefix);
      const ballotIds = (await db('ballots').select('id')).map((b: { id: string }) => b.id);
      const rankings = [...new Set((await db('ballots').select('ranking')).map((b: { ranking: string }) => b.ranking))];

      // Passphrases: nowhere, in no encoding.
      for (const p of passphrases) {
        for (const form of [p, Buffer.from(p).toString('hex'), Buffer.from(p).toString('base64'), encodeURIComponent(p)]) {
          expect(everything).not.toContain(form);
          expect(logs).not.toContain(form);
          expect(redis.text).not.toContain(form);
        }
      }
      // Ballot ids: only in the ballots table (vote rows hold them sealed, never in clear).
      const outsideBallots = Object.entries(dumps).filter(([t]) => t !== 'ballots').map(([, d]) => d).join('\n');
      for (const id of ballotIds) {
        expect(outsideBallots).not.toContain(id);
        expect(logs).not.toContain(id);
        expect(redis.text).not.toContain(id);
      }
      // Logs: no ranking, session cookie, session id or CSRF token; no user id or login next to anything secret.
      for (const r of rankings) expect(logs).not.toContain(r);
      for (const secret of browserSecrets) expect(logs).not.toContain(secret);
      const sids = (await db('sessions').select('sid')).map((r: { sid: string }) => r.sid);
      for (const sid of sids) {
        expect(logs).not.toContain(sid);
        expect(redis.text).not.toContain(sid);
      }
      // Job data: ids only.
      expect(redis.jobs.length).toBeGreaterThan(0);
      for (const job of redis.jobs) {
        const data = JSON.parse(job.data!) as Record<string, unknown>;
        expect(Object.keys(data).every((k) => k === 'tallyRunId' || k === 'trigger')).toBe(true);
      }
      const users = await db('users').select('id', 'login');
      for (const u of users) {
        expect(redis.text).not.toContain(u.id);
        expect(redis.text.toLowerCase()).not.toContain(u.login.toLowerCase());
      }
      figures.push(`searched ${tables.length} tables (${everything.length} bytes), ${logs.split('\n').length} log lines and ${redis.text.split('\n').length} Redis keys ` +
        `(${redis.jobs.length} job hashes) for ${passphrases.length} passphrases, ${ballotIds.length} ballot ids, ${rankings.length} ranking texts, ${sids.length} session ids and ${browserSecrets.length} cookies/tokens: none found where they must not be`);
    });
  });
}
