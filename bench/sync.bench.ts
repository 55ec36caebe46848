// `npm run bench -- sync`: the meta sync on a generated repository of 200 elections × 1,000
// voters × 10 candidates, on SQLite and PostgreSQL. Targets: first full sync < 5 s, no-change
// sync < 200 ms, one-election change < 500 ms. Each run starts from an empty database and a
// fresh checkout (and a cold parse cache); parse workers are started once, as at service start.
// The table shows medians of wall time, and of this process's CPU time (every thread) beside it.
// LOG_LEVEL=info prints each sync's phase times.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../shared/config/config.js';
import { connectDatabase } from '../shared/db/connect.js';
import { migrateLatest } from '../shared/db/migrate.js';
import { createRepositories } from '../shared/db/repositories/index.js';
import { createLogger } from '../shared/logging/logger.js';
import { createGitMetaSource } from '../services/sync-worker/git-meta-source.js';
import { createMetaSync } from '../services/sync-worker/meta-sync.js';
import { ParsePool } from '../services/sync-worker/parse-pool.js';
import { candidateMd, createMetaGitRepo, electionYaml, votersYaml, type MetaGitRepo } from '../test/support/meta-git-repo.js';

const ELECTIONS = 200;
const VOTERS = 1000;
const CANDIDATES = 10;
const RUNS = 3;
const PG_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGETS = { full: 5000, unchanged: 200, one: 500, steady: 200 };

interface Database { label: string; config: DatabaseConfig; drop(): Promise<void> }

export async function run(): Promise<void> {
  const meta = await createMetaGitRepo();
  try {
    for (let e = 0; e < ELECTIONS; e++) meta.write(electionDir(e, `Election ${e}`));
    await meta.commit('generated elections');
    const rows: string[][] = [];
    for (const make of [sqliteDatabase, postgresDatabase]) {
      const probe = await make();
      if (!probe) continue;
      await probe.drop();
      const times = { full: [] as Timing[], unchanged: [] as Timing[], one: [] as Timing[], steady: [] as Timing[] };
      // Started once, as the sync worker does when it starts (not per sync).
      const parsePool = new ParsePool();
      for (let i = 0; i < RUNS; i++) {
        const db = (await make())!;
        try {
          const t = await measure(meta, db.config, parsePool, i);
          times.full.push(t.full);
          times.unchanged.push(t.unchanged);
          times.one.push(t.one);
          times.steady.push(t.steady);
        } finally {
          await db.drop();
        }
      }
      await parsePool.close();
      rows.push([probe.label, ...(['full', 'unchanged', 'one', 'steady'] as const).map((k) => cell(times[k], TARGETS[k]))]);
    }
    // Wall-clock times on a shared machine: say how busy it was.
    const load = loadavg()[0]!.toFixed(1);
    console.log(`${ELECTIONS} elections × ${VOTERS} voters × ${CANDIDATES} candidates; median of ${RUNS} runs; ` +
      `${availableParallelism()} CPUs, load average ${load} at the end\n`);
    console.log('| database | first full sync (< 5 s) | no-change sync, right after it (< 200 ms) | one-election change (< 500 ms) | no-change sync, steady state (< 200 ms) |');
    console.log('|---|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  } finally {
    meta.cleanup();
  }
}

async function measure(meta: MetaGitRepo, config: DatabaseConfig, parsePool: ParsePool, round: number): Promise<{ full: Timing; unchanged: Timing; one: Timing; steady: Timing }> {
  const checkout = mkdtempSync(join(tmpdir(), 'urna-bench-checkout-'));
  const db: Knex = connectDatabase(config);
  try {
    await migrateLatest(db);
    const sync = createMetaSync({
      parsePool,
      repos: createRepositories(db),
      source: createGitMetaSource({ repo: meta.remote, branch: 'main', checkoutPath: join(checkout, 'meta'), electionDir: 'elections' }),
      now: () => new Date(),
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }), // LOG_LEVEL=info shows each sync's phase times
      concurrency: config.client === 'better-sqlite3' ? 1 : 4,
    });
    const full = await timed(() => sync.run('cli'), 'done', 'created', ELECTIONS);
    const unchanged = await timed(() => sync.run('cli'), 'skipped');
    meta.write({ 'elections/e7/election.yaml': electionYaml({ name: `Election 7, edit ${round} ${randomBytes(3).toString('hex')}` }) });
    await meta.commit(`edit ${round}`);
    const one = await timed(() => sync.run('cli'), 'done', 'updated', 1);
    // The scheduled sync's usual case: the head has not moved and the database is not busy
    // absorbing a 200,000-row load (autovacuum and checkpoints follow the first sync on PostgreSQL).
    const steady = await timed(() => sync.run('cli'), 'skipped');
    return { full, unchanged, one, steady };
  } finally {
    await db.destroy();
    rmSync(checkout, { recursive: true, force: true });
  }
}

interface Timing {
  wall: number;
  /** This process's CPU time (all threads); the database server's is not counted. */
  cpu: number;
}

async function timed(
  work: () => Promise<{ status: string; counts: Record<string, number> }>,
  status: string, count?: string, expected?: number,
): Promise<Timing> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await work();
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  if (outcome.status !== status || (count && outcome.counts[count] !== expected)) {
    throw new Error(`unexpected sync outcome: ${JSON.stringify({ status: outcome.status, counts: outcome.counts })}`);
  }
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function electionDir(e: number, name: string): Record<string, string> {
  const dir = `elections/e${e}`;
  const files: Record<string, string> = {
    [`${dir}/election.yaml`]: electionYaml({ name }),
    [`${dir}/voters.yaml`]: votersYaml(Array.from({ length: VOTERS }, (_, v) => `voter-${e}-${v}`)),
    [`${dir}/election_desc.md`]: `# ${name}\n\nDescription.\n`,
  };
  for (let c = 0; c < CANDIDATES; c++) files[`${dir}/candidate-c${c}.md`] = candidateMd(`c${c}`, `Candidate ${c}`);
  return files;
}

async function sqliteDatabase(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'urna-bench-db-'));
  return {
    label: 'SQLite',
    config: { client: 'better-sqlite3', connection: join(dir, 'bench.sqlite'), poolMax: 1 },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<Database | null> {
  const admin = connectDatabase({ client: 'pg', connection: PG_URL, poolMax: 1 });
  const name = `urna_bench_${randomBytes(5).toString('hex')}`;
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch (err) {
    console.log(`PostgreSQL at ${PG_URL} not usable (${err instanceof Error ? err.message : String(err)}); skipped.`);
    await admin.destroy();
    return null;
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    label: 'PostgreSQL',
    config: { client: 'pg', connection: url.toString(), poolMax: 10 },
    drop: async () => {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function cell(timings: Timing[], target: number): string {
  const wall = median(timings.map((t) => t.wall));
  const text = `${duration(wall)} (cpu ${duration(median(timings.map((t) => t.cpu)))})`;
  return wall <= target ? text : `${text} over target`;
}
