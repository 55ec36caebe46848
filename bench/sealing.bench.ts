// `npm run bench -- sealing`: what one sealed ballot costs on one thread, for 10 and 50
// candidates: sealing (the vote route: padRanking + sealBallot, a fresh X25519 key pair per
// ballot) and opening (the count: BallotOpener.open + unpadRanking, one X25519 agreement per
// ballot). Realistic rankings, keys made by BallotKeyring as the sync worker makes them.
// Median (min–max) of BENCH_SEAL_BATCHES batches of BENCH_SEAL_BATCH ballots, in µs per ballot.
// Everything here runs on this thread; the count spreads opening over worker threads.
import { loadavg } from 'node:os';
import { BallotKeyring, newMasterKey } from '../shared/crypto/ballot-keyring.js';
import { BallotOpener, padRanking, rankingCapacity, sealBallot, unpadRanking } from '../shared/crypto/sealed-ballot.js';
import { newId } from '../shared/db/ids.js';
import { realisticRanking, seededRandom } from './support/realistic-ballots.js';

const BATCH = Number(process.env.BENCH_SEAL_BATCH ?? 20_000);
const BATCHES = Number(process.env.BENCH_SEAL_BATCHES ?? 5);
const CANDIDATE_COUNTS = [10, 50];

export async function run(): Promise<void> {
  const keyring = BallotKeyring.fromMasterKey(Buffer.from(newMasterKey(), 'hex'));
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${BATCHES} batches of ${BATCH.toLocaleString('en')} ballots, one thread, µs per ballot\n`);
  console.log('| candidates | sealed bytes | seal µs median (min–max) | open µs median (min–max) | ballots/s seal, open (one core) |');
  console.log('|---|---|---|---|---|');
  for (const n of CANDIDATE_COUNTS) {
    const electionId = newId();
    const stored = keyring.createElectionKeys(electionId);
    const { publicKey } = keyring.sealingKeys(stored);
    const opener = new BallotOpener(keyring.openingKey(stored), electionId);
    const candidates = Array.from({ length: n }, (_, i) => `candidate-${i + 1}`);
    const capacity = rankingCapacity(candidates);
    const random = seededRandom(n);
    const rankings = Array.from({ length: BATCH }, () => JSON.stringify(realisticRanking(candidates, random)));

    // Warm-up (JIT, OpenSSL's tables), then timed batches, alternating seal and open.
    let sealed = rankings.slice(0, 2000).map((r) => sealBallot(publicKey, electionId, padRanking(r, capacity)));
    for (const s of sealed) unpadRanking(opener.open(s));
    const sealUs: number[] = [];
    const openUs: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      let t = performance.now();
      sealed = rankings.map((r) => sealBallot(publicKey, electionId, padRanking(r, capacity)));
      sealUs.push(((performance.now() - t) * 1000) / BATCH);
      t = performance.now();
      const opened = sealed.map((s) => unpadRanking(opener.open(s)));
      openUs.push(((performance.now() - t) * 1000) / BATCH);
      if (opened[BATCH - 1] !== rankings[BATCH - 1]) throw new Error('a ballot did not open to its ranking');
    }
    const seal = stats(sealUs);
    const open = stats(openUs);
    console.log(`| ${n} | ${sealed[0]!.length} | ${seal.text} | ${open.text} | ${(1e6 / seal.median).toFixed(0)}, ${(1e6 / open.median).toFixed(0)} |`);
  }
}

function stats(values: number[]): { median: number; text: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { median, text: `${median.toFixed(1)} (${sorted[0]!.toFixed(1)}–${sorted[sorted.length - 1]!.toFixed(1)})` };
}
