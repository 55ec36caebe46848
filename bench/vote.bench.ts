// `npm run bench -- vote`: the web app under a burst of voters, on PostgreSQL, in a scratch
// database dropped afterwards. The server runs as a child process, as in production, so the load
// generator does not share its event loop. Measures:
//   - vote submissions without and with passphrases, beside this machine's raw Argon2id rate at
//     the same parameters, and election page requests (anonymous and signed in);
//   - each two ways. Capacity: 50 clients, each sending its next request as soon as the last is
//     answered, give the most requests/s the server sustains. Latency: requests sent on a fixed
//     schedule at the target rate (by 50 voters, or 50 readers), each timed from the moment the
//     schedule said to send it, so a stalled server is charged for the requests it delayed too
//     (no coordinated omission, as wrk2 measures). The capacity run's own latency is no latency
//     target: with 50 requests always waiting, it is 50 ÷ the rate (Little's law) by design.
//   - the server's peak RSS during each run.
// Targets (2 cores; issue "Sealed ballots"): ≥ 50 votes/s with passphrases, ≥ 250 without, p99 < 1 s, RSS < 500 MB;
// election page ≥ 1,000 req/s with p99 < 50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import { Redis } from 'ioredis';
import { loadConfig } from '../shared/config/config.js';
import { connectDatabase } from '../shared/db/connect.js';
import { migrateLatest } from '../shared/db/migrate.js';
import { createRepositories } from '../shared/db/repositories/index.js';

const SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The web process runs apart from the workers, so its queue is BullMQ's (nothing is queued here). */
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const VOTERS = 50;
/** Each voter votes once per election, so each run has its own elections. */
const PLAIN_ELECTIONS = 40;
const PASS_ELECTIONS = 8;
/** The first election of each run; the page reads the last one. */
const ELECTION = {
  plainCapacity: 0,
  plainAtRate: PLAIN_ELECTIONS,
  sealedCapacity: 2 * PLAIN_ELECTIONS,
  sealedAtRate: 2 * PLAIN_ELECTIONS + PASS_ELECTIONS,
  page: 2 * (PLAIN_ELECTIONS + PASS_ELECTIONS),
};
/** The target rates, at which latency is measured. */
const RATE = { plain: 250, sealed: 50, page: 1000 };
const CANDIDATES = ['ada', 'brian', 'chen', 'dana', 'eero'];
const PAGE_REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 10_000);
const KDF = { memoryKiB: 19 * 1024, passes: 2, parallelism: 1 };
const MB = 1024 * 1024;

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function client(port: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (method: string, path: string, cookie?: string, form?: Record<string, string>): Promise<Reply> => new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: {
      ...(cookie ? { cookie } : {}),
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}),
    } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const cookieOf = (r: Reply) => String(([] as string[]).concat(r.headers['set-cookie'] ?? [])[0] ?? '').split(';')[0];
const csrfOf = (r: Reply) => /name="_csrf" value="([^"]+)"/.exec(r.body)?.[1] ?? '';
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** A request that errs (a reset connection, a timeout) counts as a failure, as a wrong status does. */
const succeeds = (job: () => Promise<boolean>) => job().catch(() => false);

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Runs `jobs` with `concurrency` workers: rate, latency percentiles (ms), failures, and the
 * server's CPU ms per job (steadier than the rate on a shared machine).
 */
async function burst(jobs: Array<() => Promise<boolean>>, concurrency: number, peak: () => void, serverPid: number) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const sampler = setInterval(peak, 50);
  const cpuBefore = cpuMs(serverPid);
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const t0 = performance.now();
      if (!(await succeeds(job))) failures++;
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const cpuPerJob = (cpuMs(serverPid) - cpuBefore) / jobs.length;
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return { count: jobs.length, failures, perSecond: jobs.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), seconds, cpuPerJob };
}

/**
 * Sends job i at start + i / rate, whether or not earlier ones are answered (up to 200 in flight,
 * beyond which a job waits for a slot and that wait counts), and times each from its scheduled
 * moment. Same result shape as `burst`.
 */
async function paced(jobs: Array<() => Promise<boolean>>, rate: number, peak: () => void, serverPid: number) {
  const latencies: number[] = [];
  let failures = 0;
  let inFlight = 0;
  const slots: Array<() => void> = [];
  const sampler = setInterval(peak, 50);
  const cpuBefore = cpuMs(serverPid);
  const start = performance.now();
  const sent: Array<Promise<void>> = [];
  for (let i = 0; i < jobs.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push((async () => {
      if (inFlight >= 200) await new Promise<void>((r) => slots.push(r));
      inFlight++;
      if (!(await succeeds(jobs[i]!))) failures++;
      latencies.push(performance.now() - due);
      inFlight--;
      slots.shift()?.();
    })());
  }
  await Promise.all(sent);
  const seconds = (performance.now() - start) / 1000;
  const cpuPerJob = (cpuMs(serverPid) - cpuBefore) / jobs.length;
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return { count: jobs.length, failures, perSecond: jobs.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), seconds, cpuPerJob };
}

async function rawArgon2Rate(concurrency: number, seconds = 3): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      await argon2.hash('a passphrase of ordinary length', { type: argon2.argon2id, raw: true, salt: randomBytes(16),
        memoryCost: KDF.memoryKiB, timeCost: KDF.passes, parallelism: KDF.parallelism, hashLength: 32 });
      done++;
    }
  }));
  return done / seconds;
}

async function seed(url: string): Promise<void> {
  const db = connectDatabase({ client: 'pg', connection: url, poolMax: 4 });
  await migrateLatest(db);
  const repos = createRepositories(db);
  const now = Date.now();
  const voters = Array.from({ length: VOTERS }, (_, i) => `bench-voter-${i}`);
  for (let e = 0; e <= ELECTION.page; e++) {
    await db.transaction((trx) => repos.elections.saveVersion(trx, {
      key: `bench---${e}`, path: `bench/${e}`, name: `Bench election ${e}`, organization: 'Bench',
      startAt: new Date(now - 3_600_000), endAt: new Date(now + 3_600_000), exceptionDueAt: new Date(now),
      noWinners: 2, allowNoOpinion: true, deleteAfter: false, method: null, showCandidateFields: ['employer'],
      officers: ['bench-officer'], eligibility: 'Contributors', exceptionDescription: '', fingerprint: `fp${e}`, metaCommit: null,
      description: '# The election\n\nA **realistic** description with [a link](https://example.org), a list:\n\n- one\n- two\n\n'.repeat(8),
      results: null, problems: [],
      candidates: CANDIDATES.map((k) => ({ key: k, name: `Candidate ${k}`, file: `bench/${e}/candidate-${k}.md`, info: { employer: 'Acme' }, bio: `Bio of ${k}` })),
      voters,
    }));
  }
  await db.destroy();
}

/**
 * The server as the Procfile runs it (`node dist/services/main.js --services=web`, compiled by
 * `npm run build`, which the bench script runs first), on a free loopback port, once it is ready.
 */
async function startServer(url: string, redisPrefix: string): Promise<{ child: ChildProcess; port: number; kdfConcurrency: number }> {
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: url, REDIS_URL: REDIS, REDIS_PREFIX: redisPrefix, APP_ENV: 'development', DEV_LOGIN: 'true', APP_HOST: '127.0.0.1', APP_PORT: String(port),
    APP_KEY: randomBytes(24).toString('hex'), BALLOT_KEY: randomBytes(32).toString('hex'), APP_URL: 'http://127.0.0.1', LOG_LEVEL: 'warn',
    KDF_MEMORY_KIB: String(KDF.memoryKiB), KDF_PASSES: String(KDF.passes), KDF_PARALLELISM: String(KDF.parallelism) };
  const child = spawn(process.execPath, [
    // BENCH_CPU_PROF=dir writes the server's CPU profile there (open it in Chrome DevTools).
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []),
    fileURLToPath(new URL('../dist/services/main.js', import.meta.url)), '--services=web',
  ], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`))));
  exited.catch(() => {});
  const ready = (async () => {
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => request({ host: '127.0.0.1', port, path: '/readyz?check=database' }, (res) => { res.resume(); resolve(res.statusCode === 200); })
        .on('error', () => resolve(false)).end());
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await Promise.race([ready, exited]);
  return { child, port, kdfConcurrency: loadConfig(env).ballots.kdf.concurrency };
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS, { lazyConnect: true });
  await redis.connect();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    }).on('error', reject);
  });
}

export async function run(): Promise<void> {
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const name = `urna_bench_${randomBytes(4).toString('hex')}`;
  const admin = connectDatabase({ client: 'pg', connection: SERVER, poolMax: 1 });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    await seed(url.toString());
    server = await startServer(url.toString(), name);
    const { child, port, kdfConcurrency } = server;
    const http = client(port);
    let peakRss = 0;
    const samplePeak = () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
    };

    // Sign the voters in (development sign-in) and pick up their CSRF tokens.
    const voters = await Promise.all(Array.from({ length: VOTERS }, async (_, i) => {
      const form = await http('GET', '/auth/dev');
      const signedIn = await http('POST', '/auth/dev', cookieOf(form), { _csrf: csrfOf(form), login: `bench-voter-${i}`, next: '/app' });
      const cookie = cookieOf(signedIn);
      return { cookie, csrf: csrfOf(await http('GET', '/app', cookie)) };
    }));

    const ballot = (i: number) => Object.fromEntries(CANDIDATES.map((k, j) => [`candidate@${k}`, String(((i + j) % CANDIDATES.length) + 1)]));
    const voteJobs = (first: number, count: number, passphrase: string) => Array.from({ length: VOTERS * count }, (_, n) => {
      const v = voters[n % VOTERS];
      const election = first + Math.floor(n / VOTERS);
      return async () => (await http('POST', `/app/elections/bench---${election}/vote`, v.cookie,
        { _csrf: v.csrf, ...ballot(n), passphrase, passphrase_confirm: passphrase })).status === 303;
    });

    // BENCH_PHASES=plain,sealed,anonymous,signed-in picks phases (to profile one); all by default.
    const phases = new Set((process.env.BENCH_PHASES ?? 'plain,sealed,anonymous,signed-in').split(','));
    type Result = Awaited<ReturnType<typeof burst>> & { rss: number };
    const measured = async (run: (peak: () => void, pid: number) => ReturnType<typeof burst>): Promise<Result> => {
      peakRss = 0;
      const r = await run(samplePeak, child.pid!);
      return { ...r, rss: peakRss };
    };
    const capacity = (jobs: Array<() => Promise<boolean>>) => measured((peak, pid) => burst(jobs, VOTERS, peak, pid));
    const atRate = (jobs: Array<() => Promise<boolean>>, rate: number) => measured((peak, pid) => paced(jobs, rate, peak, pid));

    const rawRate = await rawArgon2Rate(kdfConcurrency);
    const sealedPassphrase = 'correct horse battery staple';
    const plain = phases.has('plain') ? {
      capacity: await capacity(voteJobs(ELECTION.plainCapacity, PLAIN_ELECTIONS, '')),
      atRate: await atRate(voteJobs(ELECTION.plainAtRate, PLAIN_ELECTIONS, ''), RATE.plain),
    } : null;
    const sealed = phases.has('sealed') ? {
      capacity: await capacity(voteJobs(ELECTION.sealedCapacity, PASS_ELECTIONS, sealedPassphrase)),
      atRate: await atRate(voteJobs(ELECTION.sealedAtRate, PASS_ELECTIONS, sealedPassphrase), RATE.sealed),
    } : null;

    const pageKey = `bench---${ELECTION.page}`;
    const pageJobs = (signedIn: boolean) => Array.from({ length: PAGE_REQUESTS }, (_, n) =>
      async () => (await http('GET', `/app/elections/${pageKey}`, signedIn ? voters[n % VOTERS].cookie : undefined)).status === 200);
    const page = async (signedIn: boolean) => ({ capacity: await capacity(pageJobs(signedIn)), atRate: await atRate(pageJobs(signedIn), RATE.page) });
    await burst(pageJobs(false).slice(0, 1000), VOTERS, samplePeak, child.pid!); // warm-up
    const anonymous = phases.has('anonymous') ? await page(false) : null;
    const personal = phases.has('signed-in') ? await page(true) : null;

    const row = (label: string, mode: string, r: Result | undefined, notes = '') => r && console.log(
      `| ${label.padEnd(24)} | ${mode.padEnd(12)} | ${String(r.count).padStart(6)} | ${String(r.failures).padStart(4)} | ${r.perSecond.toFixed(0).padStart(6)} | ${r.p50.toFixed(1).padStart(7)} | ${r.p99.toFixed(1).padStart(7)} | ${r.cpuPerJob.toFixed(2).padStart(7)} | ${(r.rss / MB).toFixed(0).padStart(6)} | ${notes}`);
    const pair = (label: string, rate: number, r: { capacity: Result; atRate: Result } | null, capacityNote: string, latencyNote: string) => {
      row(label, `${VOTERS} clients`, r?.capacity, capacityNote);
      row('', `at ${rate}/s`, r?.atRate, latencyNote);
    };
    console.log(`Argon2id ${KDF.memoryKiB / 1024} MiB, ${KDF.passes} passes, ${KDF.parallelism} lane; KDF concurrency ${kdfConcurrency}; raw Argon2id rate here: ${rawRate.toFixed(1)}/s`);
    console.log(`load average before: ${loadBefore} (other work on this machine skews rates; the server's CPU ms per request much less)`);
    console.log(`"${VOTERS} clients": capacity (latency there is ${VOTERS} ÷ rate by design); "at N/s": requests sent on schedule, latency from the scheduled moment\n`);
    console.log('| what                     | mode         |  count | fail |  per s | p50 ms  | p99 ms  | CPU ms  | RSS MB | notes');
    console.log('|--------------------------|--------------|--------|------|--------|---------|---------|---------|--------|------');
    pair('votes, no passphrase', RATE.plain, plain, 'target ≥ 250/s', 'target p99 < 1000 ms');
    pair('votes, with passphrase', RATE.sealed, sealed,
      sealed ? `${((sealed.capacity.perSecond / rawRate) * 100).toFixed(0)}% of the raw Argon2id rate; target ≥ 50/s` : '', 'target p99 < 1000 ms');
    pair('election page, anonymous', RATE.page, anonymous, 'target ≥ 1000/s', 'target p99 < 50 ms');
    pair('election page, signed in', RATE.page, personal, 'personalised: eligibility, vote, exception', 'target p99 < 50 ms');
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server!.child.once('exit', r));
    }
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await deleteRedisKeys(name);
    await admin.destroy();
  }
}
