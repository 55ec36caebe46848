// `npm run bench -- tally-job`: the whole tally job on PostgreSQL (rewrite every ballot in a random
// order for secrecy, read and count them, store the result, delete the links, conclude) with
// 100,000 ballots × 10 candidates, in a scratch database dropped afterwards.
// Target: under 3 s and under 300 MB RSS.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { countRankingTexts } from '../services/tally-worker/tally-election.js';
import { tallyElectionProcessor } from '../services/tally-worker/tally-election.processor.js';
import { connectDatabase } from '../shared/db/connect.js';
import { newId } from '../shared/db/ids.js';
import { migrateLatest } from '../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../shared/db/repositories/index.js';
import { createLogger } from '../shared/logging/logger.js';
import { realisticRanking, seededRandom } from './support/realistic-ballots.js';

const SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BALLOTS = Number(process.env.BENCH_BALLOTS ?? 100_000);
const CANDIDATES = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCH = 5_000;
const MB = 1024 * 1024;
const KDF = JSON.stringify({ alg: 'argon2id', memoryKiB: 19456, passes: 2, parallelism: 1 });

export async function run(): Promise<void> {
  const name = `urna_bench_${randomBytes(4).toString('hex')}`;
  const admin = connectDatabase({ client: 'pg', connection: SERVER, poolMax: 1 });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const db = connectDatabase({ client: 'pg', connection: url.toString(), poolMax: 5 });
  try {
    await migrateLatest(db);
    const repos = createRepositories(db);
    const insertStart = performance.now();
    const electionId = await seed(db, repos);
    const insertMs = performance.now() - insertStart;
    console.log(`seeded ${BALLOTS.toLocaleString('en')} ballots × ${CANDIDATES} candidates in ${(insertMs / 1000).toFixed(1)} s\n`);

    const plain = await measure(db, repos, electionId, true);
    // What a fillfactor on votes would buy: room on each page lets PostgreSQL clear the links
    // with HOT updates, without touching the indexes (not in the schema; see the lead's notes).
    await db.raw('ALTER TABLE votes SET (fillfactor = 70)');
    const roomy = await measure(db, repos, electionId, false);

    console.log('| step | median | min | max |');
    console.log('|---|---|---|---|');
    console.log(row('rewrite all ballots in random order (secrecy, in the job)', plain.reshuffleMs, 'ms'));
    console.log(row('read the ballot texts (paged, PostgreSQL)', plain.readMs, 'ms'));
    console.log(row('count them in memory (engine, Schulze)', plain.countMs, 'ms'));
    console.log(row('delete the links (UPDATE, ~70,000 rows)', plain.unlinkMs, 'ms'));
    console.log(row('**whole tally job**', plain.jobMs, 'ms'));
    console.log(row('peak RSS during the job (sampled every 5 ms)', plain.peaks.map((b) => b / MB), 'MB'));
    console.log(row('delete the links, votes with fillfactor 70', roomy.unlinkMs, 'ms'));
    console.log(row('whole tally job, votes with fillfactor 70', roomy.jobMs, 'ms'));
    console.log(`\nprocess max RSS (getrusage, includes seeding): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ` +
      `${RUNS} runs each; target: job < 3000 ms, RSS < 300 MB`);
  } finally {
    await db.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

interface Samples { reshuffleMs: number[]; readMs: number[]; countMs: number[]; unlinkMs: number[]; jobMs: number[]; peaks: number[] }

/** RUNS times: the parts on their own (to show where the time goes), then the whole job as the queue runs it. */
async function measure(db: Knex, repos: Repositories, electionId: string, report: boolean): Promise<Samples> {
  const processor = tallyElectionProcessor({ db, repos, now: () => new Date() });
  const logger = createLogger({ level: 'warn' });
  const candidates = (await repos.elections.listCandidates(electionId)).map((c) => c.key);
  const samples: Samples = { reshuffleMs: [], readMs: [], countMs: [], unlinkMs: [], jobMs: [], peaks: [] };
  for (let i = 0; i < RUNS; i++) {
    await reset(db, electionId);
    let t = performance.now();
    await db.transaction((trx) => createRepositories(trx).votes.reshuffle(electionId));
    samples.reshuffleMs.push(performance.now() - t);
    await reset(db, electionId);
    t = performance.now();
    const pages: string[][] = [];
    for await (const page of repos.votes.streamRankingTexts(electionId)) pages.push(page);
    samples.readMs.push(performance.now() - t);
    t = performance.now();
    await countRankingTexts(candidates, 'ignored', pagesOf(pages), { method: 'schulze-winning', winners: 3 });
    samples.countMs.push(performance.now() - t);
    pages.length = 0;
    t = performance.now();
    await repos.votes.deleteLinks(electionId);
    samples.unlinkMs.push(performance.now() - t);

    await reset(db, electionId);
    global.gc?.();
    const runId = await repos.tallyRuns.create(electionId, 'schulze-winning', null);
    const sampler = rssSampler();
    t = performance.now();
    await processor.process({ tallyRunId: runId }, { jobId: runId, attempt: 1, maxAttempts: 3, logger });
    samples.jobMs.push(performance.now() - t);
    samples.peaks.push(sampler.stop());
    const done = (await repos.tallyRuns.findById<{ ballots: number; winners: string[] }>(runId))!;
    if (done.status !== 'done' || done.result!.ballots !== BALLOTS) throw new Error(`run ${i + 1} did not count every ballot: ${done.status} ${done.error ?? ''}`);
    if (report && i === 0) {
      console.log(`winners: ${done.result!.winners.join(', ')}; links before: ${await linksIn(db, 'bench_votes_seed')}, after: ${await linksIn(db, 'votes')}\n`);
    }
  }
  return samples;
}

/** A closed election with delete_after, users, votes (70 % with a passphrase link) and ballots. */
async function seed(db: Knex, repos: Repositories): Promise<string> {
  const hour = 3_600_000;
  const candidates = Array.from({ length: CANDIDATES }, (_, i) => `candidate-${i + 1}`);
  const election = await db.transaction((trx) => repos.elections.saveVersion(trx, {
    key: 'bench---2030', path: 'bench/2030', name: 'Benchmark 2030', organization: 'Bench',
    startAt: new Date(Date.now() - 48 * hour), endAt: new Date(Date.now() - hour), exceptionDueAt: new Date(Date.now() - 48 * hour),
    noWinners: 3, allowNoOpinion: true, deleteAfter: true, method: null, showCandidateFields: [], officers: ['officer'],
    eligibility: '', exceptionDescription: '', description: '', results: null, fingerprint: 'bench', metaCommit: null, problems: [],
    candidates: candidates.map((key) => ({ key, name: key, file: `bench/2030/candidate-${key}.md`, info: {}, bio: '' })),
    voters: ['officer'],
  }));
  const random = seededRandom(2030);
  for (let from = 0; from < BALLOTS; from += BATCH) {
    const size = Math.min(BATCH, BALLOTS - from);
    const userIds = Array.from({ length: size }, () => newId());
    const logins = userIds.map((_, k) => `voter-${from + k}`);
    const rankings = Array.from({ length: size }, () => JSON.stringify(realisticRanking(candidates, random)));
    // unnest turns a whole batch into one statement with three or four parameters.
    await db.raw(`INSERT INTO users (id, login, login_lower, created_at, updated_at)
      SELECT id, login, login, now(), now() FROM unnest(?::text[], ?::text[]) AS u(id, login)`, [userIds, logins]);
    // 70 % of voters set a passphrase, so their vote row carries a link (fake bytes of the real size).
    await db.raw(`INSERT INTO votes (id, election_id, user_id, kdf, salt, sealed_ballot)
      SELECT id, ?, user_id, CASE WHEN linked THEN ? END, CASE WHEN linked THEN decode(md5(id), 'hex') END,
        CASE WHEN linked THEN decode(md5(id) || md5(user_id) || md5(id || user_id), 'hex') END
      FROM unnest(?::text[], ?::text[], ?::boolean[]) AS v(id, user_id, linked)`,
    [election.id, KDF, userIds.map(() => newId()), userIds, userIds.map(() => random() < 0.7)]);
    await db.raw(`INSERT INTO ballots (id, election_id, ranking)
      SELECT id, ?, ranking FROM unnest(?::text[], ?::text[]) AS b(id, ranking)`, [election.id, rankings.map(() => newId()), rankings]);
  }
  // The pristine votes, so every run starts from a freshly loaded table (no dead rows from the last run).
  await db.raw('CREATE TABLE bench_votes_seed AS SELECT * FROM votes');
  await db.raw('VACUUM ANALYZE');
  return election.id;
}

/** Reopens the bench election for another run: not concluded, every link back, no dead rows. */
async function reset(db: Knex, electionId: string): Promise<void> {
  await db('elections').where({ id: electionId }).update({ concluded_at: null });
  await db.raw('TRUNCATE votes');
  await db.raw('INSERT INTO votes SELECT * FROM bench_votes_seed');
  await db.raw('VACUUM ANALYZE votes, ballots');
}

async function linksIn(db: Knex, table: string): Promise<number> {
  const r = await db(table).whereNotNull('sealed_ballot').count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

async function* pagesOf(pages: string[][]): AsyncGenerator<string[]> {
  yield* pages;
}

function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
  return { stop: () => { clearInterval(timer); return Math.max(peak, process.memoryUsage.rss()); } };
}

function row(label: string, values: number[], unit: string): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const f = (v: number) => `${v.toFixed(0)} ${unit}`;
  return `| ${label} | ${f(median)} | ${f(sorted[0])} | ${f(sorted[sorted.length - 1])} |`;
}
