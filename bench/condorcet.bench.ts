// Condorcet engine throughput: 1M ballots × 20 candidates and 100k × 50, against a naive
// per-ballot pairwise loop fed the same rows. Ballots come from a seeded PRNG into a compact
// buffer and are handed over in batches of 1,000 fresh rows, as a DB cursor would, either as
// the JSON text of the `ballots.ranking` column or as the string[][] JSON.parse gives (whose
// short id strings V8 interns, as here). Only time inside the tally is measured: adding rows
// (grouping included), the pairwise pass and Schulze. Each measurement runs in its own child
// process, so its peak RSS (getrusage maxRSS) is its own. CONDORCET_BENCH_RUNS=n changes the
// number of measured runs (default 5); the whole table takes a few minutes.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { schulze } from '../shared/domain/condorcet/schulze.js';
import { createTallyAccumulator } from '../shared/domain/condorcet/tally-accumulator.js';
import { tallySummary } from '../shared/domain/condorcet/tally.js';
import { seededRandom } from './support/realistic-ballots.js';

type Shape = 'skewed' | 'distinct';
type Input = 'json' | 'objects';
type Impl = 'engine' | 'naive';
type Row = string | string[][];
interface Spec { ballots: number; candidates: number; shape: Shape; input: Input; impl: Impl; runs: number }
interface Timing { ms: number; cpuMs: number }
interface Outcome extends Timing { winner: string; distinct: number }
interface Measure { spec: Spec; medianMs: number; medianCpuMs: number; timesMs: number[]; distinct: number; winner: string; baseRssMb: number; maxRssMb: number }

const BATCH = 1_000; // small enough for each batch to die young, so GC stays out of the way
const CHILD_FLAG = '--condorcet-bench-child';
const POOL = 20_000;

/** Adds wall and CPU time of `fn` to `into` (CPU time shows what a loaded machine hides). */
function timed(into: Timing, fn: () => void): void {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  fn();
  into.ms += performance.now() - t0;
  const used = process.cpuUsage(cpu);
  into.cpuMs += (used.user + used.system) / 1000;
}

/** Ballots as bytes: candidate order, ranked length, "tied with the previous one" flags. */
interface Compact { n: number; count: number; order: Uint8Array; tie: Uint8Array; len: Uint8Array }

const compact = (n: number, count: number): Compact => ({ n, count, order: new Uint8Array(count * n), tie: new Uint8Array(count * n), len: new Uint8Array(count) });

/**
 * `skewed`: a pool of 20,000 rankings near a consensus (a few adjacent swaps; 70% truncated
 * to 1–8 names; 15% with ties) drawn by a power law, so popular rankings repeat as slates and
 * bullet votes do. `distinct`: every ballot a fresh random complete order (worst case).
 */
function generate(count: number, n: number, shape: Shape): Compact {
  const rand = seededRandom(0x5eed + n * 7 + (shape === 'skewed' ? 1 : 2));
  const perm = new Uint8Array(n);
  const fill = (target: Compact, k: number): void => {
    for (let i = 0; i < n; i++) perm[i] = i;
    if (shape === 'distinct') {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      target.len[k] = n;
    } else {
      const swaps = Math.floor(-Math.log(1 - rand()) * n * 0.6);
      for (let s = 0; s < swaps; s++) {
        const i = Math.floor(rand() * (n - 1));
        [perm[i], perm[i + 1]] = [perm[i + 1], perm[i]];
      }
      target.len[k] = rand() < 0.3 ? n : 1 + Math.floor(rand() * Math.min(n, 8));
      if (rand() < 0.15) for (let i = 1; i < n; i++) target.tie[k * n + i] = rand() < 0.25 ? 1 : 0;
    }
    target.order.set(perm, k * n);
  };
  const out = compact(n, count);
  if (shape === 'distinct') {
    for (let k = 0; k < count; k++) fill(out, k);
    return out;
  }
  const pool = compact(n, POOL);
  for (let k = 0; k < POOL; k++) fill(pool, k);
  for (let k = 0; k < count; k++) {
    const p = Math.floor(POOL * rand() ** 3);
    out.order.set(pool.order.subarray(p * n, p * n + n), k * n);
    out.tie.set(pool.tie.subarray(p * n, p * n + n), k * n);
    out.len[k] = pool.len[p];
  }
  return out;
}

/** Fresh rows for ballots [from, to). */
function materialize(c: Compact, ids: string[], from: number, to: number, input: Input): Row[] {
  const rows: Row[] = [];
  for (let k = from; k < to; k++) {
    const groups: string[][] = [];
    for (let i = 0; i < c.len[k]; i++) {
      const id = ids[c.order[k * c.n + i]];
      if (i > 0 && c.tie[k * c.n + i]) groups[groups.length - 1].push(id);
      else groups.push([id]);
    }
    rows.push(input === 'json' ? JSON.stringify(groups) : groups);
  }
  return rows;
}

/** What a straightforward tally does: parse each ballot, compare every pair, no grouping. */
function naiveTally(rowsOf: (from: number) => Row[], count: number, ids: string[]): Outcome {
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const d = ids.map(() => new Array<number>(n).fill(0));
  const time: Timing = { ms: 0, cpuMs: 0 };
  for (let from = 0; from < count; from += BATCH) {
    const rows = rowsOf(from);
    timed(time, () => {
      for (const row of rows) {
        const ranking = (typeof row === 'string' ? JSON.parse(row) : row) as string[][];
        const rank = new Array<number>(n).fill(-1);
        ranking.forEach((group, r) => group.forEach((id) => (rank[index.get(id)!] = r)));
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) if (i !== j && rank[i] >= 0 && rank[j] >= 0 && rank[i] < rank[j]) d[i][j] += 1;
      }
    });
  }
  let winner = '';
  timed(time, () => {
    winner = schulze(Float64Array.from(d.flat()), n, 'winning').ranking[0].map((i) => ids[i]).join('=');
  });
  return { ...time, winner, distinct: 0 };
}

function engineTally(rowsOf: (from: number) => Row[], count: number, ids: string[]): Outcome {
  const acc = createTallyAccumulator(ids, 'ignored');
  const time: Timing = { ms: 0, cpuMs: 0 };
  for (let from = 0; from < count; from += BATCH) {
    const rows = rowsOf(from);
    timed(time, () => {
      for (const row of rows) {
        if (typeof row === 'string') acc.addJson(row);
        else acc.add(row);
      }
    });
  }
  let winner = '';
  let distinct = 0;
  timed(time, () => {
    const summary = acc.finish();
    distinct = summary.rankings.size;
    winner = tallySummary(summary, { method: 'schulze' }).winners.join('=');
  });
  return { ...time, winner, distinct };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(spec: Spec): Measure {
  const ids = Array.from({ length: spec.candidates }, (_, i) => `candidate-${String(i).padStart(2, '0')}`);
  const input = generate(spec.ballots, spec.candidates, spec.shape);
  const rowsOf = (from: number): Row[] => materialize(input, ids, from, Math.min(from + BATCH, spec.ballots), spec.input);
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  let last: Outcome = { ms: 0, cpuMs: 0, winner: '', distinct: 0 };
  for (let r = 0; r <= spec.runs; r++) {
    last = (spec.impl === 'engine' ? engineTally : naiveTally)(rowsOf, spec.ballots, ids);
    if (r === 0) continue; // warm-up run
    timesMs.push(last.ms);
    cpuMs.push(last.cpuMs);
  }
  return { spec, medianMs: median(timesMs), medianCpuMs: median(cpuMs), timesMs, distinct: last.distinct, winner: last.winner, baseRssMb, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runChild(spec: Spec): Measure {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, JSON.stringify(spec)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`benchmark child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measure;
}

export async function run(): Promise<void> {
  const runs = Number(process.env.CONDORCET_BENCH_RUNS ?? 5);
  const load = (): string => loadavg()[0].toFixed(1);
  console.log(`Load average at start: ${load()} on a ${(await import('node:os')).availableParallelism()}-core machine.\n`);
  console.log('| ballots × candidates | ballots | rows | distinct rankings | engine median (CPU) | naive median (CPU) | speed-up | engine peak RSS (input only) | naive peak RSS |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
  const scenarios: [number, number, Shape][] = [
    [1_000_000, 20, 'skewed'],
    [1_000_000, 20, 'distinct'],
    [100_000, 50, 'skewed'],
    [100_000, 50, 'distinct'],
  ];
  for (const [ballots, candidates, shape] of scenarios) {
    for (const input of ['objects', 'json'] as const) {
      const base = { ballots, candidates, shape, input, runs };
      const engine = runChild({ ...base, impl: 'engine' });
      const naive = runChild({ ...base, impl: 'naive' });
      if (engine.winner !== naive.winner) throw new Error(`engine and naive disagree: ${engine.winner} vs ${naive.winner}`);
      console.log(
        `| ${ballots >= 1e6 ? `${ballots / 1e6}M` : `${ballots / 1e3}k`} × ${candidates} | ${shape} | ${input === 'json' ? 'JSON text' : 'string[][]'} | ${engine.distinct.toLocaleString('en')} ` +
          `| ${engine.medianMs.toFixed(0)} ms (${engine.medianCpuMs.toFixed(0)}) | ${naive.medianMs.toFixed(0)} ms (${naive.medianCpuMs.toFixed(0)}) ` +
          `| ${(naive.medianMs / engine.medianMs).toFixed(1)}× | ${engine.maxRssMb.toFixed(0)} MB (${engine.baseRssMb.toFixed(0)}) | ${naive.maxRssMb.toFixed(0)} MB |`,
      );
    }
  }
  console.log(`\nMedian of ${runs} runs after a warm-up; Schulze winning votes, unranked ignored; row generation excluded. Load average at end: ${load()}.`);
  console.log('CPU = process CPU time in the same windows (includes GC threads); on a busy machine it is the steadier figure.');
  console.log('Peak RSS is the whole child process; "input only" is its RSS before the first run (Node + the generated ballots at 2n+1 bytes each).');
  console.log('JSON rows cost a hash of each text; a tally worker can have the database group them first (SELECT ranking, COUNT(*) … GROUP BY ranking).');
}

if (process.argv[2] === CHILD_FLAG) console.log(JSON.stringify(measure(JSON.parse(process.argv[3]) as Spec)));
