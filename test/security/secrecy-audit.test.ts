import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BallotLinks } from '../../shared/crypto/ballot-link.js';
import { unpackCountedBallots } from '../../shared/db/counted-ballot-pages.js';
import { dialectOf } from '../../shared/db/dialect.js';
import { openVoteLink, testKeyring, testKeyStore } from '../support/ballots.js';
import { currentWalSegment, findBlobs, readDatabaseBytes, SECRET_FORMS, SecretScanner, type ByteSource, type SecretHit } from '../support/database-bytes.js';
import { databaseTargets } from '../support/databases.js';
import { createScenario, ipOf, redisKeys, serverUrl, voterLogins, type Scenario } from '../support/fault-kit.js';
import { ballotFields, csrfOf, devLogin, type Browser } from '../support/http-client.js';
import type { UrnaProcess } from '../support/processes.js';
import { spearman } from '../support/rank-stats.js';
import { waitFor } from '../support/wait-for.js';

// The secrecy target of SECURITY.md (sealed ballots), checked the way an attacker who holds the
// database server would look. Voters cast ballots with known, distinct rankings (some with
// passphrases, three pairs of voters with the same ranking) through a real Urna process; every
// table is dumped before and after every vote ("snapshots"), and the server's change log and
// table files (PostgreSQL's WAL and relation files, InnoDB's redo/undo logs and .ibd files,
// SQLite's database and -wal files) are read at several points. Then:
// - before the count, no ranking (compact JSON) and no passphrase appears in any of those bytes,
//   in any encoding; a vote adds one vote row and one sealed ballot and nothing else; sealed
//   ballots (and links) all have one length whatever the ranking, and identical rankings seal to
//   unrelated bytes;
// - after the count (the officer's real route, the real tally worker), an attacker holding every
//   snapshot and every byte pairs voters with counted ballots no better than chance, by any of
//   the simple strategies below; the sealed ballots and the private key are gone;
// - the election has delete_after: every link ever stored opened with the passphrase before the
//   count, and none opens after it, for a database holder with the passphrase or for the server
//   itself (the link key is destroyed);
// - logs carry no passphrase, ranking, ballot id, session id or CSRF token; job data carries ids only.

const VOTERS = 100;
const E = '/app/elections/audit';
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
/** Voters whose rankings are the same as the one before them: their sealed ballots must be unrelated. */
const SAME_AS_PREVIOUS = [1, 31, 41];
/** Voters who view their ballot (the last one after a wrong passphrase), and the one who revokes and votes again. */
const VIEWERS = [3, 4, 6];
const RE_VOTER = 10;
/** Every so many votes, the server's log and files are read (and before and after the count); SQLite's -wal file restarts after a checkpoint, so it is read often. */
const READ_FILES_EVERY = { sqlite: 5, postgres: 50, mysql: 50 } as const;
/** The chance that a correct implementation fails any of the pairing checks below. */
const FAMILY_ALPHA = 1e-4;
const kdf = { memoryKiB: 8192, passes: 1, parallelism: 1 };

const hasPassphrase = (i: number) => i % 3 !== 2;

interface Cast {
  index: number;
  login: string;
  userId: string;
  passphrase: string | null;
  /** The ranking's compact JSON, as the server stores it once counted. */
  json: string;
  /** Paired from the snapshots taken before and after the vote. */
  sealedId: string;
  sealed: Buffer;
  link: Buffer | null;
}

interface Snapshot {
  /** table → each row serialized (bytes as hex) */
  rows: Map<string, string[]>;
  /** Every value as text, bytes also as hex, base64 and latin1 (what the audit searches). */
  dump: string;
  votes: Map<string, Buffer | null>;
  sealed: Map<string, Buffer>;
  keys: Array<Record<string, unknown>>;
}

async function tableNames(db: Knex): Promise<string[]> {
  switch (dialectOf(db)) {
    case 'postgres':
      return (await db.raw(`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).rows.map((r: { t: string }) => r.t);
    case 'mysql':
      return (await db.raw('select table_name as t from information_schema.tables where table_schema = database() order by 1'))[0].map((r: { t: string }) => r.t);
    default:
      return (await db.raw(`select name as t from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1`)).map((r: { t: string }) => r.t);
  }
}

async function columnTypes(db: Knex, table: string): Promise<Record<string, string>> {
  switch (dialectOf(db)) {
    case 'postgres':
      return Object.fromEntries((await db.raw('select column_name as c, data_type as t from information_schema.columns where table_schema = \'public\' and table_name = ?', [table])).rows.map((r: { c: string; t: string }) => [r.c, r.t]));
    case 'mysql':
      return Object.fromEntries((await db.raw('select column_name as c, data_type as t from information_schema.columns where table_schema = database() and table_name = ?', [table]))[0].map((r: { c: string; t: string }) => [r.c, r.t]));
    default:
      return Object.fromEntries((await db.raw(`select name as c, type as t from pragma_table_info(?)`, [table])).map((r: { c: string; t: string }) => [r.c, r.t]));
  }
}

const isBytes = (v: unknown): v is Uint8Array => Buffer.isBuffer(v) || v instanceof Uint8Array;

/** Every value of every row, as text, with binary values also in hex, base64 and latin1, so a secret in any of those encodings is found. */
function dumpRows(rows: Array<Record<string, unknown>>): string {
  return rows.map((row) => Object.values(row).map((v) => {
    if (isBytes(v)) {
      const b = Buffer.from(v);
      return `${b.toString('hex')} ${b.toString('base64')} ${b.toString('latin1')}`;
    }
    return v instanceof Date ? v.toISOString() : String(v);
  }).join('\t')).join('\n');
}

function serializeRow(row: Record<string, unknown>): string {
  return JSON.stringify(Object.entries(row).map(([k, v]) => [k, isBytes(v) ? `x:${Buffer.from(v).toString('hex')}` : v instanceof Date ? v.toISOString() : v]));
}

async function takeSnapshot(db: Knex, tables: readonly string[], electionId: string): Promise<Snapshot> {
  const rows = new Map<string, string[]>();
  const dumps: string[] = [];
  const votes = new Map<string, Buffer | null>();
  const sealed = new Map<string, Buffer>();
  let keys: Array<Record<string, unknown>> = [];
  for (const t of tables) {
    const all: Array<Record<string, unknown>> = await db(t).select('*');
    rows.set(t, all.map(serializeRow));
    dumps.push(`== ${t}\n${dumpRows(all)}`);
    if (t === 'votes') for (const r of all) if (r.election_id === electionId) votes.set(String(r.user_id), r.sealed_link ? Buffer.from(r.sealed_link as Uint8Array) : null);
    if (t === 'sealed_ballots') for (const r of all) if (r.election_id === electionId) sealed.set(String(r.id), Buffer.from(r.sealed as Uint8Array));
    if (t === 'election_keys') keys = all;
  }
  return { rows, dump: dumps.join('\n'), votes, sealed, keys };
}

/** Rows that appeared and rows that disappeared, per table (a changed row is both). */
function diff(before: Snapshot, after: Snapshot): Map<string, { added: string[]; removed: string[] }> {
  const out = new Map<string, { added: string[]; removed: string[] }>();
  for (const table of new Set([...before.rows.keys(), ...after.rows.keys()])) {
    const count = (xs: readonly string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
    const b = count(before.rows.get(table) ?? []);
    const a = count(after.rows.get(table) ?? []);
    const added = [...a].flatMap(([row, n]) => Array<string>(Math.max(0, n - (b.get(row) ?? 0))).fill(row));
    const removed = [...b].flatMap(([row, n]) => Array<string>(Math.max(0, n - (a.get(row) ?? 0))).fill(row));
    if (added.length || removed.length) out.set(table, { added, removed });
  }
  return out;
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

/** The ranking a form with these ranks makes: groups by rank, best first, keys sorted inside a tie, "none" left out. */
function rankingOf(ranks: Record<string, number | 'none'>): string[][] {
  const groups = new Map<number, string[]>();
  for (const [key, r] of Object.entries(ranks)) if (r !== 'none') groups.set(r, [...(groups.get(r) ?? []), key]);
  return [...groups].sort((a, b) => a[0] - b[0]).map(([, keys]) => keys.sort());
}

/** Distinct random ballots of every shape (strict, tied, partial), the first three chosen for extreme lengths. */
function distinctBallots(keys: readonly string[], count: number): Array<Record<string, number | 'none'>> {
  const out: Array<Record<string, number | 'none'>> = [
    Object.fromEntries(keys.map((k, i) => [k, i === 0 ? 1 : 'none'])), // one candidate: the shortest ranking
    Object.fromEntries(keys.map((k, i) => [k, i + 1])), // strict over all: the longest
    Object.fromEntries(keys.map((k) => [k, 1])), // all tied
  ];
  const seen = new Set(out.map((r) => JSON.stringify(rankingOf(r))));
  while (out.length < count) {
    const ranks = Object.fromEntries(keys.map((k) => {
      const r = Math.floor(Math.random() * (keys.length + 1));
      return [k, r === keys.length ? 'none' as const : r + 1];
    }));
    const json = JSON.stringify(rankingOf(ranks));
    if (json === '[]' || seen.has(json)) continue;
    seen.add(json);
    out.push(ranks);
  }
  return out;
}

/** P(X > t) for X ~ Binomial(n, p). */
function binomialTailAbove(n: number, p: number, t: number): number {
  let pmf = (1 - p) ** n;
  let below = 0;
  for (let k = 0; k <= t; k++) {
    below += pmf;
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return Math.max(0, 1 - below);
}

/** The longest run of bytes two buffers share (anywhere), by dynamic programming. */
function longestCommonRun(a: Buffer, b: Buffer): number {
  let best = 0;
  let prev = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Uint16Array(b.length + 1);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        cur[j] = prev[j - 1]! + 1;
        if (cur[j]! > best) best = cur[j]!;
      }
    }
    prev = cur;
  }
  return best;
}

const hitText = (hits: readonly SecretHit[], where: string) => hits.slice(0, 5).map((h) => `${where}: ${h.form} of ${JSON.stringify(h.secret.slice(0, 40))} at ${h.offset}`).join('; ');

for (const target of databaseTargets()) {
  describe.skipIf(!target.available || !serverUrl('redis'))(`secrecy audit on ${target.kind}`, () => {
    // A tag of this run in every candidate key and passphrase: the server's logs and files are
    // shared with earlier runs (and other suites), whose counted rankings must not be mistaken for ours.
    const tag = randomBytes(4).toString('hex');
    const candidates = NAMES.map((n) => `zq-${tag}-${n}`);
    const links = new BallotLinks(kdf, 4);
    let s: Scenario;
    let proc: UrnaProcess;
    let electionId: string;
    let tables: string[];
    const logins = voterLogins(VOTERS, `audit-${tag}`);
    const casts: Cast[] = []; // the final cast of each voter, in the order of voting
    const everyCast: Cast[] = []; // with the revoked one
    const passphrases: string[] = [];
    const browserSecrets: string[] = [];
    const snapshots: Snapshot[] = [];
    const figures: string[] = [];
    /** Every link blob any snapshot held, with whose it was. */
    const linksSeen = new Map<string, { blob: Buffer; userId: string; passphrase: string; json: string; sealedId: string }>();
    let rankingScanner: SecretScanner;
    let passphraseScanner: SecretScanner;
    const scanned = { snapshots: 0, snapshotBytes: 0, fileReads: 0, logBytes: 0, fileBytes: 0, rankingHitsBeforeCount: [] as string[], passphraseHits: [] as string[] };
    /** Which sealed ballots and links the server's log and files were seen to hold before the count. */
    const sealedInBytes = new Set<string>();
    const linksInBytes = new Set<string>();
    const linksAfterCount = new Set<string>();
    /** PostgreSQL: the WAL segment being written when the audit began. */
    let walSince: string | undefined;
    let lastNotes: string[] = [];
    let lastSourceNames: string[] = [];
    let postCountSources = 0;

    const remember = (b: Browser, ...secrets: string[]) => {
      browserSecrets.push(...[...b.cookies.values()].flatMap((v) => [v, decodeURIComponent(v)]), ...secrets);
    };

    async function snapshot(): Promise<Snapshot> {
      const snap = await takeSnapshot(s.db.db, tables, electionId);
      snapshots.push(snap);
      scanned.snapshots += 1;
      scanned.snapshotBytes += snap.dump.length;
      const r = rankingScanner.scanText(snap.dump);
      if (r.length) scanned.rankingHitsBeforeCount.push(hitText(r, `snapshot ${snapshots.length}`));
      const p = passphraseScanner.scanText(snap.dump);
      if (p.length) scanned.passphraseHits.push(hitText(p, `snapshot ${snapshots.length}`));
      return snap;
    }

    /**
     * Reads the server's change log and table files, searches them for rankings (before the
     * count) and passphrases, and notes which of our sealed ballots and links they hold.
     */
    async function readServerBytes(phase: 'before' | 'after'): Promise<ByteSource[]> {
      const { sources, notes } = await readDatabaseBytes(s.db, { walSince });
      lastNotes = notes;
      lastSourceNames = sources.map((x) => x.name);
      scanned.fileReads += 1;
      const sealedBlobs = everyCast.map((c) => c.sealed);
      const linkBlobs = [...linksSeen.values()].map((l) => l.blob);
      const linksHere = phase === 'before' ? linksInBytes : linksAfterCount;
      for (const src of sources) {
        if (src.kind === 'log') scanned.logBytes += src.bytes.length;
        else scanned.fileBytes += src.bytes.length;
        if (phase === 'before') {
          const r = rankingScanner.scan(src.bytes);
          if (r.length) scanned.rankingHitsBeforeCount.push(hitText(r, src.name));
        }
        const p = passphraseScanner.scan(src.bytes);
        if (p.length) scanned.passphraseHits.push(hitText(p, src.name));
        for (const j of findBlobs(src.bytes, [...sealedBlobs, ...linkBlobs]).keys()) {
          if (j >= sealedBlobs.length) linksHere.add(linkBlobs[j - sealedBlobs.length]!.toString('hex'));
          else if (phase === 'before') sealedInBytes.add(everyCast[j]!.sealedId);
        }
      }
      return sources;
    }

    async function vote(b: Browser, index: number, userId: string, ranks: Record<string, number | 'none'>): Promise<Cast> {
      const passphrase = hasPassphrase(index) ? `pp-${tag}-${randomBytes(9).toString('base64url')} ${logins[index]}` : null;
      if (passphrase) passphrases.push(passphrase);
      const json = JSON.stringify(rankingOf(ranks));
      const form = await b.get(`${E}/vote`);
      expect(form.status).toBe(200);
      const token = csrfOf(form.text);
      remember(b, token);
      const fields = ballotFields(Object.fromEntries(Object.entries(ranks).map(([k, r]) => [k, String(r)])));
      const review = await b.post(`${E}/vote/review`, { _csrf: token, ...fields });
      expect(review.status).toBe(200);
      const before = await snapshot();
      const cast = await b.post(`${E}/vote`, { _csrf: token, ...fields, passphrase: passphrase ?? '', passphrase_confirm: passphrase ?? '' });
      expect(cast.status, cast.text.slice(0, 500)).toBe(303);
      const after = await snapshot();

      // Two snapshots, one vote: one new vote row and one new sealed ballot, nothing else.
      const changes = diff(before, after);
      const changed = [...changes].map(([t, c]) => `${t} +${c.added.length} -${c.removed.length}`).sort();
      expect(changed).toEqual(['sealed_ballots +1 -0', 'votes +1 -0']);
      const newSealed = [...after.sealed.keys()].filter((id) => !before.sealed.has(id));
      const newVoters = [...after.votes.keys()].filter((u) => !before.votes.has(u));
      expect(newSealed).toHaveLength(1);
      expect(newVoters).toEqual([userId]);
      const sealed = after.sealed.get(newSealed[0]!)!;
      const link = after.votes.get(userId)!;
      expect(link === null).toBe(passphrase === null);
      // The new rows, in every encoding, do not hold the ranking (nor any other).
      const added = [...changes.values()].flatMap((c) => c.added)
        .map((row) => (JSON.parse(row) as Array<[string, unknown]>).map(([, v]) => String(v)).join('\t')).join('\n');
      for (const bytes of [sealed, link ?? Buffer.alloc(0), Buffer.from(added)]) {
        expect(bytes.indexOf(json)).toBe(-1);
        expect(rankingScanner.scan(bytes)).toEqual([]);
      }
      const c: Cast = { index, login: logins[index]!, userId, passphrase, json, sealedId: newSealed[0]!, sealed, link };
      if (link) linksSeen.set(link.toString('hex'), { blob: link, userId, passphrase: passphrase!, json, sealedId: c.sealedId });
      everyCast.push(c);
      return c;
    }

    beforeAll(async () => {
      s = await createScenario(target.kind);
      if (target.kind === 'postgres') walSince = await currentWalSegment(s.db.db);
      electionId = (await s.seed({
        key: 'audit', path: 'audit', name: 'Audit', voters: logins, officers: ['audit-officer'], exceptionDueAt: new Date(Date.now() + 86_400_000),
        deleteAfter: true, allowNoOpinion: true,
        candidates: candidates.map((c) => ({ key: c, name: `Candidate ${c}`, file: `audit/candidate-${c}.md`, info: {}, bio: `Bio of ${c}` })),
      })).id;
      // The sync worker gives every election its keys after each sync (here there is no sync).
      expect(await testKeyStore(s.repos).ensureAll()).toBe(1);
      proc = await s.start('web,tally-worker', { LOG_LEVEL: 'debug' }, `urna-${target.kind}`);
      tables = await tableNames(s.db.db);

      const ballots = distinctBallots(candidates, VOTERS + 1 - SAME_AS_PREVIOUS.length);
      const reVote = ballots.pop()!;
      const plan: Array<Record<string, number | 'none'>> = [];
      for (let i = 0; i < VOTERS; i++) plan.push(SAME_AS_PREVIOUS.includes(i) ? plan[i - 1]! : ballots.shift()!);
      // Every ranking is a secret to look for; they all start `[["zq-<tag>-`, passphrases `pp-<tag>-`.
      rankingScanner = new SecretScanner([...plan, reVote].map((r) => JSON.stringify(rankingOf(r))));
      // Passphrases are drawn while voting, and all start with this prefix: finding the prefix in
      // any encoding finds (the start of) any of them, and the wrong one tried below.
      passphraseScanner = new SecretScanner([`pp-${tag}-`]);

      // Everyone signs in first, so the snapshots around a vote see that vote only.
      const browsers: Browser[] = [];
      const userIds: string[] = [];
      for (const [i, login] of logins.entries()) {
        browsers.push(await devLogin(proc.url, login, ipOf(i + 1)));
        userIds.push((await s.repos.users.findByLogin(login))!.id);
      }
      for (let i = 0; i < VOTERS; i++) {
        casts.push(await vote(browsers[i]!, i, userIds[i]!, plan[i]!));
        if ((i + 1) % READ_FILES_EVERY[target.kind] === 0) await readServerBytes('before');
      }

      // Views (one after a wrong passphrase), a revoke and a later re-vote.
      for (const i of VIEWERS) {
        const b = browsers[i]!;
        const token = await b.csrf(`${E}/view`);
        if (i === VIEWERS.at(-1)) {
          const wrong = `pp-${tag}-wrong-${randomBytes(6).toString('hex')}`;
          passphrases.push(wrong);
          expect((await b.post(`${E}/view`, { _csrf: token, passphrase: wrong })).status).toBe(403);
        }
        const view = await b.post(`${E}/view`, { _csrf: token, passphrase: casts[i]!.passphrase! });
        expect(view.status).toBe(200);
      }
      const reVoter = casts[RE_VOTER]!;
      const rb = browsers[RE_VOTER]!;
      const before = await snapshot();
      expect((await rb.post(`${E}/revoke`, { _csrf: await rb.csrf(`${E}/revoke`), passphrase: reVoter.passphrase! })).status).toBe(303);
      const after = await snapshot();
      // The revoke removes the vote row and its sealed ballot (and counts a passphrase attempt for
      // the rate limit, and leaves a flash message in the session).
      expect([...diff(before, after)].filter(([t]) => t !== 'attempt_counters' && t !== 'sessions').map(([t, c]) => `${t} +${c.added.length} -${c.removed.length}`).sort())
        .toEqual(['sealed_ballots +0 -1', 'votes +0 -1']);
      casts.splice(RE_VOTER, 1);
      casts.push(await vote(rb, RE_VOTER, reVoter.userId, reVote));
      // Someone not on the list asks for an exception.
      const outsider = await devLogin(proc.url, `audit-${tag}-outsider`, ipOf(900));
      const token = await outsider.csrf(`${E}/exception`);
      expect((await outsider.post(`${E}/exception`, { _csrf: token, name: 'Out Sider', chat: '@outsider', description: 'I reviewed many pull requests.', comments: '' })).status).toBe(303);
      remember(outsider, token);
      for (const b of browsers) remember(b);

      // The last snapshot and read before the count.
      await snapshot();
      await readServerBytes('before');
    }, 300_000);

    afterAll(async () => {
      if (figures.length) console.info(`[figures] secrecy audit on ${target.kind}:\n  ${figures.join('\n  ')}`);
      await s?.close();
    });

    it('stores sealed ballots and vote rows without user, timestamp or readable ranking, each ballot and link of one length', async () => {
      const db = s.db.db;
      const sealedCols = await columnTypes(db, 'sealed_ballots');
      const countedCols = await columnTypes(db, 'counted_ballot_pages');
      const voteCols = await columnTypes(db, 'votes');
      expect(Object.keys(sealedCols).sort()).toEqual(['election_id', 'id', 'sealed']);
      expect(Object.keys(countedCols).sort()).toEqual(['ballots', 'election_id', 'id', 'rankings']);
      expect(Object.keys(voteCols).sort()).toEqual(['election_id', 'id', 'sealed_link', 'user_id']);
      for (const type of [...Object.values(sealedCols), ...Object.values(countedCols), ...Object.values(voteCols)]) expect(type).not.toMatch(/date|time/i);
      const sealedRows = await db('sealed_ballots').where({ election_id: electionId });
      expect(sealedRows).toHaveLength(VOTERS);
      const sealedText = dumpRows(sealedRows);
      for (const u of await db('users').select('id', 'login')) {
        expect(sealedText).not.toContain(u.id);
        expect(sealedText.toLowerCase()).not.toContain(u.login.toLowerCase());
      }
      // Ballot ids: only in sealed_ballots (the links hold them sealed, never in clear).
      const outside = (await Promise.all(tables.filter((t) => t !== 'sealed_ballots').map(async (t) => dumpRows(await db(t).select('*'))))).join('\n');
      for (const r of sealedRows) expect(outside).not.toContain(r.id);

      // One length for every sealed ballot, and one for every link, whatever the ranking.
      const sealedLengths = new Set(everyCast.map((c) => c.sealed.length));
      const linkLengths = new Set([...linksSeen.values()].map((l) => l.blob.length));
      const rankingLengths = new Set(everyCast.map((c) => c.json.length));
      expect(rankingLengths.size).toBeGreaterThan(5);
      expect(sealedLengths.size).toBe(1);
      expect(linkLengths.size).toBe(1);

      // Identical rankings from two voters: unrelated bytes (beyond the version byte, a few
      // equal bytes by chance: P(more than 8 of ~160 random bytes equal) < 1e-6).
      const comparisons: string[] = [];
      for (const i of SAME_AS_PREVIOUS) {
        const [a, b] = [everyCast.find((c) => c.index === i - 1)!, everyCast.find((c) => c.index === i)!];
        expect(a.json).toBe(b.json);
        const pairs: Array<[string, Buffer, Buffer]> = [['sealed', a.sealed, b.sealed]];
        if (a.link && b.link) pairs.push(['link', a.link, b.link]);
        for (const [what, x, y] of pairs) {
          expect(x.length).toBe(y.length);
          expect(x[0]).toBe(y[0]);
          let equal = 0;
          for (let k = 1; k < x.length; k++) if (x[k] === y[k]) equal++;
          const run = longestCommonRun(x.subarray(1), y.subarray(1));
          comparisons.push(`${what} ${equal}/${x.length - 1} equal bytes, longest shared run ${run}`);
          expect(equal).toBeLessThanOrEqual(8);
          expect(run).toBeLessThan(5);
        }
      }
      figures.push(`${everyCast.length} votes (${linksSeen.size} with a passphrase), rankings of ${rankingLengths.size} different JSON lengths (${Math.min(...rankingLengths)}..${Math.max(...rankingLengths)} bytes): ` +
        `every sealed ballot ${[...sealedLengths][0]} bytes, every link ${[...linkLengths][0]} bytes`);
      figures.push(`identical rankings of two voters: ${comparisons.join('; ')}`);
    }, 60_000);

    it('before the count, no byte a database holder can read holds a ranking or a passphrase', () => {
      // Every snapshot (each vote diffed above) and the server's log and files, read as the votes went.
      expect(scanned.rankingHitsBeforeCount).toEqual([]);
      expect(scanned.passphraseHits).toEqual([]);
      // The change log was there to read.
      expect(lastSourceNames).toContainEqual({ sqlite: 'sqlite-wal', postgres: expect.stringMatching(/^pg_wal\//), mysql: 'ib_logfile0' }[target.kind]);
      // The reads were real: the server's bytes held our sealed ballots and links (sealed).
      expect(sealedInBytes.size).toBeGreaterThan(0);
      if (linksSeen.size) expect(linksInBytes.size).toBeGreaterThan(0);
      figures.push(`before the count: searched ${scanned.snapshots} snapshots of ${tables.length} tables (${(scanned.snapshotBytes / 1e6).toFixed(1)} MB of dumps) ` +
        `and ${scanned.fileReads} reads of the server's log and files (${(scanned.logBytes / 1e6).toFixed(1)} MB of log, ${(scanned.fileBytes / 1e6).toFixed(1)} MB of table files; last read: ${lastSourceNames.length} files) ` +
        `for ${rankingScanner.secrets.length} rankings and ${passphrases.length} passphrases in ${SECRET_FORMS.length} encodings (${SECRET_FORMS.join(', ')}): none found` +
        `${lastNotes.length ? ` (${lastNotes.join('; ')})` : ''}`);
      figures.push(`the server's bytes held ${sealedInBytes.size}/${everyCast.length} sealed ballots and ${linksInBytes.size}/${linksSeen.size} links, byte for byte (sealed: unreadable)`);
    });

    it('before the count, every link opens with its passphrase and the server\'s key, to its own sealed ballot and ranking', async () => {
      for (const l of linksSeen.values()) {
        const opened = await openVoteLink(s.repos, links, { electionId, userId: l.userId, link: l.blob }, l.passphrase);
        expect(opened).toEqual({ ballotId: l.sealedId, ranking: l.json });
      }
    }, 60_000);

    it('after the count, pairing a voter with a counted ballot succeeds no more often than chance', async () => {
      const db = s.db.db;
      const keysBefore = await s.repos.electionKeys.find(electionId);
      expect(keysBefore?.sealedLinkKey).toBeTruthy();
      await db('elections').where({ id: electionId }).update({ end_at: new Date(Date.now() - 1000) });
      const officer = await devLogin(proc.url, 'audit-officer', ipOf(901));
      const token = await officer.csrf(`${E}/admin/`);
      remember(officer, token);
      expect((await officer.post(`${E}/admin/results`, { _csrf: token, ballots: String(VOTERS) })).status).toBe(303);
      const run = await waitFor(async () => {
        const r = await db('tally_runs').where({ election_id: electionId }).first();
        return r?.status === 'done' || r?.status === 'failed' ? r : null;
      }, 60_000, 200);
      expect(run.status, String(run.error ?? '')).toBe('done');
      expect(JSON.parse(run.result).ballots).toBe(VOTERS);

      // What the count left: the rankings, under fresh ids; no sealed ballot, no private key.
      expect(await db('sealed_ballots').where({ election_id: electionId }).count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(0);
      const keys = await db('election_keys').where({ election_id: electionId }).first();
      expect(keys.sealed_private_key).toBeNull();
      const pages: Array<{ id: string; rankings: string }> = target.kind === 'postgres'
        ? (await db.raw('select id, rankings from counted_ballot_pages where election_id = ? order by ctid', [electionId])).rows
        : await db('counted_ballot_pages').where({ election_id: electionId }).select('id', 'rankings');
      const counted = pages.flatMap((p) => unpackCountedBallots(p.rankings).map((ranking) => ({ id: p.id, ranking })));
      expect(counted.map((c) => c.ranking).sort()).toEqual(casts.map((c) => c.json).sort());
      const countedIds = new Set(counted.map((c) => c.id));
      for (const c of everyCast) expect(countedIds.has(c.sealedId)).toBe(false);

      // Everything the attacker holds now: the snapshots, and the server's log and files after the count.
      const sources = await readServerBytes('after');
      postCountSources = sources.length;
      const firstOffsets = (kind: ByteSource['kind']) => {
        const first = new Map<string, number>();
        let base = 0;
        for (const src of sources.filter((x) => x.kind === kind)) {
          for (const h of rankingScanner.scan(src.bytes)) {
            if (h.form !== 'raw') continue;
            if (!first.has(h.secret) || first.get(h.secret)! > base + h.offset) first.set(h.secret, base + h.offset);
          }
          base += src.bytes.length;
        }
        return first;
      };
      const byId = [...counted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((c) => c.ranking);
      /** The counted rankings in the order of their first appearance in the bytes; rankings not found last, in id order. */
      const byFirstAppearance = (kind: ByteSource['kind']) => {
        const first = firstOffsets(kind);
        const found = [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!);
        const multiplicity = (r: string) => counted.filter((c) => c.ranking === r).length;
        return { found: found.length, order: [...found.flatMap((r) => Array<string>(multiplicity(r)).fill(r)), ...byId.filter((r) => !first.has(r))] };
      };
      const logOrder = byFirstAppearance('log');
      const fileOrder = byFirstAppearance('file');
      const countedOrders: Array<[string, string[]]> = [
        [target.kind === 'postgres' ? 'physical order (ctid)' : 'the order a plain scan returns', counted.map((c) => c.ranking)],
        ['id order', byId],
        [`order of first appearance in the ${target.kind === 'postgres' ? 'WAL' : target.kind === 'mysql' ? 'redo/undo logs' : '-wal file'} (${logOrder.found} found)`, logOrder.order],
        [`order of first appearance in the table files (${fileOrder.found} found)`, fileOrder.order],
      ];
      const voterOrders: Array<[string, Cast[]]> = [
        ['voting order', casts],
        ['sealed ballot id order (the order the count reads them)', [...casts].sort((a, b) => (a.sealedId < b.sealedId ? -1 : 1))],
      ];

      // Chance: a correct count stores the rankings in a uniformly random order, so each
      // strategy's hits are the fixed points of a random permutation, about Binomial(N, m/N)
      // with m the mean multiplicity of a voter's ranking. Each of the 8 hit bounds fails a
      // correct implementation with P < 1e-4/16, each of the 8 Spearman limits with P < 4.3e-6:
      // all of them together with P < 1e-4.
      const multiplicity = new Map<string, number>();
      for (const c of casts) multiplicity.set(c.json, (multiplicity.get(c.json) ?? 0) + 1);
      const expectedHits = casts.reduce((sum, c) => sum + multiplicity.get(c.json)! / VOTERS, 0);
      const tests = countedOrders.length * voterOrders.length * 2;
      let bound = 0;
      while (binomialTailAbove(VOTERS, expectedHits / VOTERS, bound) >= FAMILY_ALPHA / tests) bound++;
      const unique = casts.filter((c) => multiplicity.get(c.json) === 1);
      // Spearman's rho over n pairs under independence: about N(0, 1/(n-1)); z = 4.6 is P < 4.3e-6 two-sided.
      const rhoLimit = 4.6 / Math.sqrt(unique.length - 1);
      const results: string[] = [];
      for (const [vName, voters] of voterOrders) {
        for (const [cName, order] of countedOrders) {
          expect(order).toHaveLength(VOTERS);
          const hits = voters.filter((c, i) => order[i] === c.json).length;
          const position = new Map(order.map((r, i) => [r, i]));
          const rho = spearman(unique.map((c) => voters.indexOf(c)), unique.map((c) => position.get(c.json)!));
          results.push(`${vName} vs ${cName}: ${hits} hits, rho ${rho.toFixed(3)}`);
          expect(hits, `${vName} vs ${cName}`).toBeLessThanOrEqual(bound);
          expect(Math.abs(rho), `${vName} vs ${cName}`).toBeLessThan(rhoLimit);
        }
      }
      figures.push(`after the count, pairing ${VOTERS} voters (known to the attacker with their sealed ballots, from the snapshots) with ${counted.length} counted ballots, ` +
        `chance ${expectedHits.toFixed(2)} hits (allowed <= ${bound}, |rho| < ${rhoLimit.toFixed(2)}):\n    ${results.join('\n    ')}`);

      if (target.kind === 'postgres') {
        // Transaction ids: every counted row was written by the count's one transaction.
        const xmins = (await db.raw('select count(distinct xmin::text)::int as n from counted_ballot_pages where election_id = ?', [electionId])).rows[0].n;
        const settings = Object.fromEntries(await Promise.all(['track_commit_timestamp', 'log_statement', 'wal_level'].map(async (name) => [name, (await db.raw(`show ${name}`)).rows[0][name]])));
        figures.push(`all ${counted.length} counted ballots share ${xmins} xmin (pairing by transaction id: a blind guess, ${(100 / VOTERS).toFixed(1)}%); server settings ${JSON.stringify(settings)}`);
        expect(xmins).toBe(1);
      }
      if (target.kind === 'mysql') {
        const vars = (await db.raw(`show variables where variable_name in ('log_bin', 'general_log', 'binlog_format')`))[0] as Array<{ Variable_name: string; Value: string }>;
        figures.push(`server settings: ${vars.map((v) => `${v.Variable_name}=${v.Value}`).join(', ')}${vars.some((v) => v.Variable_name === 'log_bin' && v.Value === 'OFF') ? ' (no binlog: the redo/undo logs and table files were read from the data directory instead)' : ''}; ` +
          'InnoDB\'s per-row transaction ids were not decoded from the files (the counted rows were all inserted by the count\'s one transaction)');
      }
    }, 120_000);

    it('after the count with delete_after, no link ever stored opens, for a database holder with the passphrase or for the server', async () => {
      const db = s.db.db;
      const keys = await db('election_keys').where({ election_id: electionId }).first();
      expect(keys.sealed_private_key).toBeNull();
      expect(keys.sealed_link_key).toBeNull();
      expect(await db('votes').where({ election_id: electionId }).whereNotNull('sealed_link').count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(0);
      expect(await db('votes').where({ election_id: electionId }).count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(VOTERS);
      // The server itself, with its master key and today's database: no link key any more.
      expect(await testKeyStore(s.repos).linkKey(electionId)).toBeNull();

      // Copies of the links are still in the snapshots, and in the server's log and files (read after the count).
      expect(postCountSources).toBeGreaterThan(0);

      // Every key-sized value the database ever held for this election (in any snapshot, and now):
      // the wrapped keys, public key and binding, at every offset.
      const keyMaterial = new Set<string>();
      for (const row of [...snapshots.flatMap((x) => x.keys), keys]) {
        if (row.election_id !== electionId) continue;
        for (const v of Object.values(row)) {
          const b = isBytes(v) ? Buffer.from(v) : typeof v === 'string' ? Buffer.from(v) : null;
          if (!b) continue;
          for (let k = 0; k + 32 <= b.length; k++) keyMaterial.add(b.subarray(k, k + 32).toString('hex'));
        }
      }
      let tries = 0;
      let opened = 0;
      for (const l of linksSeen.values()) {
        // The server's way (its key store and the current database), with the right passphrase.
        expect(await openVoteLink(s.repos, links, { electionId, userId: l.userId, link: l.blob }, l.passphrase)).toBeNull();
        // A database holder with the passphrase, trying every key-sized value the database held.
        for (const k of keyMaterial) {
          tries += 1;
          if (await links.open(l.passphrase, l.blob, { electionId, userId: l.userId }, Buffer.from(k, 'hex'))) opened += 1;
        }
      }
      expect(opened).toBe(0);
      // The documented limit (SECURITY.md): BALLOT_KEY together with a pre-count copy of election_keys still opens a link.
      const preCountKeys = snapshots.flatMap((x) => x.keys).find((r) => r.election_id === electionId && r.sealed_link_key);
      const stored = await s.repos.electionKeys.find(electionId);
      const linkKey = testKeyring.sealingKeys({ ...stored!, sealedLinkKey: Buffer.from(preCountKeys!.sealed_link_key as Uint8Array) }).linkKey!;
      const sample = [...linksSeen.values()][0]!;
      const withMaster = await links.open(sample.passphrase, sample.blob, { electionId, userId: sample.userId }, linkKey);
      figures.push(`delete_after: ${linksSeen.size} links ever stored (all opened before the count), ${linksAfterCount.size} of them still in the server's log/files after the count; ` +
        `none opens with its passphrase: not through the server's key store (link key NULL, sealed_link NULL), nor with any of ${keyMaterial.size} key-sized values the database held (${tries} tries); ` +
        `with BALLOT_KEY and a pre-count copy of election_keys a link ${withMaster ? 'still opens (the documented limit)' : 'does not open'}`);
    }, 120_000);

    it('keeps passphrases, ballot ids, rankings, sessions and tokens out of logs and job data, and ballot ids out of other tables', async () => {
      const db = s.db.db;
      const dumps = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, dumpRows(await db(t).select('*'))] as const)));
      const logs = proc.output();
      const redis = await dumpRedis(serverUrl('redis')!, s.redisPrefix);
      const counted = (await db('counted_ballot_pages').where({ election_id: electionId }).select('id')).map((b: { id: string }) => b.id);
      const sealedIds = everyCast.map((c) => c.sealedId);

      // Passphrases: nowhere, in no encoding, even after the count.
      const everything = Object.values(dumps).join('\n');
      for (const [where, text] of [['tables', everything], ['logs', logs], ['redis', redis.text]] as const) {
        expect(passphraseScanner.scanText(text).map((h) => `${where}: ${h.form}`)).toEqual([]);
      }
      // Rankings: never in the logs or Redis (the tables hold them in counted_ballot_pages now).
      expect(rankingScanner.scanText(logs)).toEqual([]);
      expect(rankingScanner.scanText(redis.text)).toEqual([]);
      // Ballot ids: sealed ones nowhere any more, counted pages' ids only in counted_ballot_pages.
      const outsideCounted = Object.entries(dumps).filter(([t]) => t !== 'counted_ballot_pages').map(([, d]) => d).join('\n');
      for (const id of [...sealedIds, ...counted]) {
        expect(outsideCounted).not.toContain(id);
        expect(logs).not.toContain(id);
        expect(redis.text).not.toContain(id);
      }
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
      for (const u of await db('users').select('id', 'login')) {
        expect(redis.text).not.toContain(u.id);
        expect(redis.text.toLowerCase()).not.toContain(u.login.toLowerCase());
      }
      figures.push(`searched ${tables.length} tables, ${logs.split('\n').length} log lines and ${redis.text.split('\n').length} Redis keys (${redis.jobs.length} job hashes) ` +
        `for ${passphrases.length} passphrases, ${sealedIds.length + counted.length} ballot ids, ${rankingScanner.secrets.length} rankings, ${sids.length} session ids and ${browserSecrets.length} cookies/tokens: none found where they must not be`);
    }, 60_000);
  });
}
