// `npm run bench -- tally-job`: the whole tally job on PostgreSQL with 100,000 sealed ballots ×
// 10 candidates: unwrap the election's private key, open every ballot (worker threads), count,
// store the result and the rankings in a random order, destroy the sealed ballots and keys, delete
// the links (delete_after), conclude. In a scratch database dropped afterwards, with the compiled
// build (the worker threads load it, as in production).
// Target (issue "Sealed ballots"): under 5 s. Peak RSS is printed for operators sizing the worker.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ElectionKeyStore } from '../shared/ballots/election-key-store.js';
import type { Repositories } from '../shared/db/repositories/index.js';
import { compiled } from './support/compiled.js';
import { realisticRanking, seededRandom } from './support/realistic-ballots.js';

const { tallyElectionProcessor } = await compiled<typeof import('../services/tally-worker/tally-election.processor.js')>('services/tally-worker/tally-election.processor');
const { ElectionKeyStore: KeyStore } = await compiled<typeof import('../shared/ballots/election-key-store.js')>('shared/ballots/election-key-store');
const { BallotKeyring, newMasterKey } = await compiled<typeof import('../shared/crypto/ballot-keyring.js')>('shared/crypto/ballot-keyring');
const { padRanking, rankingCapacity, sealBallot } = await compiled<typeof import('../shared/crypto/sealed-ballot.js')>('shared/crypto/sealed-ballot');
const { connectDatabase } = await compiled<typeof import('../shared/db/connect.js')>('shared/db/connect');
const { newId } = await compiled<typeof import('../shared/db/ids.js')>('shared/db/ids');
const { migrateLatest } = await compiled<typeof import('../shared/db/migrate.js')>('shared/db/migrate');
const { createRepositories } = await compiled<typeof import('../shared/db/repositories/index.js')>('shared/db/repositories/index');
const { createLogger } = await compiled<typeof import('../shared/logging/logger.js')>('shared/logging/logger');

const SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BALLOTS = Number(process.env.BENCH_BALLOTS ?? 100_000);
const CANDIDATES = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = 5_000;
const MB = 1024 * 1024;

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
    const keys = new KeyStore(repos.electionKeys, BallotKeyring.fromMasterKey(Buffer.from(newMasterKey(), 'hex')));
    const insertStart = performance.now();
    const electionId = await seed(db, repos, keys);
    console.log(`seeded ${BALLOTS.toLocaleString('en')} sealed ballots × ${CANDIDATES} candidates in ${((performance.now() - insertStart) / 1000).toFixed(1)} s\n`);

    const processor = tallyElectionProcessor({ db, repos, now: () => new Date(), ballotKeys: keys });
    // The job's own "tally done" line says where its time went.
    const phases: Array<{ openMs: number; countMs: number; storeMs: number }> = [];
    const logger = createLogger({ level: 'info' }, { write: (line: string) => { const entry = JSON.parse(line); if (entry.msg === 'tally done') phases.push(entry); } });
    const jobMs: number[] = [];
    const peaks: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await reset(db, electionId);
      global.gc?.();
      const runId = await repos.tallyRuns.create(electionId, 'schulze-winning', null);
      const sampler = rssSampler();
      const t = performance.now();
      await processor.process({ tallyRunId: runId }, { jobId: runId, attempt: 1, maxAttempts: 3, logger });
      jobMs.push(performance.now() - t);
      peaks.push(sampler.stop());
      const done = (await repos.tallyRuns.findById<{ ballots: number; winners: string[] }>(runId))!;
      if (done.status !== 'done' || done.result!.ballots !== BALLOTS) throw new Error(`run ${i + 1} did not count every ballot: ${done.status} ${done.error ?? ''}`);
      if (i === 0) console.log(`winners: ${done.result!.winners.join(', ')}; sealed ballots left: ${await count(db, 'sealed_ballots')}, counted: ${await countedBallots(db)}\n`);
    }
    console.log('| step | median | min | max |');
    console.log('|---|---|---|---|');
    console.log(row('**whole tally job** (open, count, store, destroy keys, delete links)', jobMs, 'ms'));
    console.log(row('— opening the sealed ballots (reading them from the database alongside)', phases.map((p) => p.openMs), 'ms'));
    console.log(row('— counting (pairwise preferences, Schulze)', phases.map((p) => p.countMs), 'ms'));
    console.log(row('— storing the result and rankings, destroying ballots and keys, deleting links', phases.map((p) => p.storeMs), 'ms'));
    console.log(row('peak RSS of this process during the job (sampled every 5 ms; opening threads included)', peaks.map((b) => b / MB), 'MB'));
    console.log(`\n${RUNS} runs; target: job < 5000 ms; per-ballot costs: npm run bench -- sealing`);
  } finally {
    await db.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

/** A closed election with delete_after, users, votes (70 % with a link of a real link's size) and sealed ballots. */
async function seed(db: Knex, repos: Repositories, keys: ElectionKeyStore): Promise<string> {
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
  const { publicKey } = await keys.forSealing(election.id);
  const capacity = rankingCapacity(candidates);
  const random = seededRandom(2030);
  for (let from = 0; from < BALLOTS; from += BATCH) {
    const size = Math.min(BATCH, BALLOTS - from);
    const userIds = Array.from({ length: size }, () => newId());
    const logins = userIds.map((_, k) => `voter-${from + k}`);
    const sealed = Array.from({ length: size }, () => sealBallot(publicKey, election.id, padRanking(JSON.stringify(realisticRanking(candidates, random)), capacity)));
    await db.raw(`INSERT INTO users (id, login, login_lower, created_at, updated_at)
      SELECT id, login, login, now(), now() FROM unnest(?::text[], ?::text[]) AS u(id, login)`, [userIds, logins]);
    await db.raw(`INSERT INTO votes (id, election_id, user_id, sealed_link)
      SELECT id, ?, user_id, CASE WHEN linked THEN decode(repeat(md5(id), 7), 'hex') END
      FROM unnest(?::text[], ?::text[], ?::boolean[]) AS v(id, user_id, linked)`,
    [election.id, userIds.map(() => newId()), userIds, userIds.map(() => random() < 0.7)]);
    await db.raw(`INSERT INTO sealed_ballots (id, election_id, sealed)
      SELECT id, ?, sealed FROM unnest(?::text[], ?::bytea[]) AS b(id, sealed)`, [election.id, sealed.map(() => newId()), sealed]);
  }
  // Pristine copies, so every run starts from freshly loaded tables.
  for (const table of ['votes', 'sealed_ballots', 'election_keys']) await db.raw(`CREATE TABLE bench_seed_${table} AS SELECT * FROM ${table}`);
  await db.raw('VACUUM ANALYZE');
  return election.id;
}

/** Reopens the bench election for another run: not concluded, its ballots, keys and links back, no dead rows. */
async function reset(db: Knex, electionId: string): Promise<void> {
  await db('elections').where({ id: electionId }).update({ concluded_at: null });
  await db.raw('TRUNCATE counted_ballot_pages');
  for (const table of ['votes', 'sealed_ballots', 'election_keys']) {
    await db.raw(`DELETE FROM ${table}`);
    await db.raw(`INSERT INTO ${table} SELECT * FROM bench_seed_${table}`);
  }
  await db.raw('VACUUM ANALYZE votes, sealed_ballots, counted_ballot_pages');
}

async function countedBallots(db: Knex): Promise<number> {
  const r = await db('counted_ballot_pages').sum({ n: 'ballots' }).first();
  return Number(r?.n ?? 0);
}

async function count(db: Knex, table: string): Promise<number> {
  const r = await db(table).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
  return { stop: () => { clearInterval(timer); return Math.max(peak, process.memoryUsage.rss()); } };
}

function row(label: string, values: number[], unit: string): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const f = (v: number) => `${v.toFixed(0)} ${unit}`;
  return `| ${label} | ${f(median)} | ${f(sorted[0]!)} | ${f(sorted[sorted.length - 1]!)} |`;
}
