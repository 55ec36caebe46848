// Opening a sealed ballot costs one X25519 agreement (tens of microseconds): 100,000 ballots are
// seconds of CPU on one core. Large elections are opened by worker threads, one per core, while
// this thread reads the next page from the database.
import { availableParallelism } from 'node:os';
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { BallotOpener, SealedBallotError, unpadRanking } from '../../shared/crypto/sealed-ballot.js';
import type { OpenRequest, OpenResponse } from './ballot-opening.worker.js';

/** Below this many ballots in a page, starting threads costs more than it saves. */
const THREADED_FROM = 2_000;

/** Opens every sealed ballot of an election into its ranking's JSON text. Throws SealedBallotError on one that does not open. */
export async function openBallots(privateKey: KeyObject, electionId: string, pages: AsyncIterable<readonly Buffer[]>, threads = availableParallelism()): Promise<string[]> {
  const texts: string[] = [];
  let pool: OpeningPool | null = null;
  try {
    for await (const page of pages) {
      if (page.length >= THREADED_FROM && threads > 1) {
        pool ??= new OpeningPool(privateKey, electionId, threads);
        texts.push(...(await pool.open(page)));
      } else {
        const opener = new BallotOpener(privateKey, electionId);
        for (const sealed of page) texts.push(unpadRanking(opener.open(sealed)));
      }
    }
  } finally {
    await pool?.close();
  }
  return texts;
}

class OpeningPool {
  private readonly workers: Worker[];
  private readonly key: { d: string; x: string };
  private nextId = 1;

  constructor(privateKey: KeyObject, private readonly electionId: string, size: number) {
    const jwk = privateKey.export({ format: 'jwk' });
    this.key = { d: String(jwk.d), x: String(jwk.x) };
    this.workers = Array.from({ length: size }, spawnOpeningWorker);
  }

  async open(page: readonly Buffer[]): Promise<string[]> {
    const share = Math.ceil(page.length / this.workers.length);
    const parts = await Promise.all(this.workers.map((w, i) => this.run(w, page.slice(i * share, (i + 1) * share))));
    return parts.flat();
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }

  private run(worker: Worker, ballots: readonly Buffer[]): Promise<string[]> {
    if (ballots.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    // One contiguous buffer, moved to the thread rather than copied ballot by ballot.
    const joined = Buffer.concat(ballots);
    const whole = joined.byteOffset === 0 && joined.byteLength === joined.buffer.byteLength;
    const bytes = whole ? joined.buffer : joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
    const lengths = Uint32Array.from(ballots, (b) => b.length);
    return new Promise((resolve, reject) => {
      const done = () => worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      const onMessage = (m: OpenResponse) => {
        if (m.id !== id) return;
        done();
        if ('error' in m) reject(new SealedBallotError(m.error));
        else resolve(m.texts);
      };
      const onError = (err: Error) => { done(); reject(err); };
      const onExit = (code: number) => { done(); reject(new Error(`a ballot-opening thread exited with code ${code}`)); };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ id, key: this.key, electionId: this.electionId, bytes, lengths } satisfies OpenRequest, [bytes, lengths.buffer]);
    });
  }
}

function spawnOpeningWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./ballot-opening.worker.js', import.meta.url));
  // Running from the TypeScript sources (tsx, vitest): load the worker through tsx's loader.
  const url = new URL('./ballot-opening.worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, { eval: true });
}
