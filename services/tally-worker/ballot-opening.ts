// Opening a sealed ballot costs one X25519 agreement (tens of microseconds): 100,000 ballots are
// seconds of CPU on one core. Large elections are opened by worker threads, one per core, fed
// small chunks from a queue so that none waits for a slower one, while this thread reads the
// next page from the database.
import { availableParallelism } from 'node:os';
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { BallotOpener, SealedBallotError, unpadRanking } from '../../shared/crypto/sealed-ballot.js';
import type { OpenRequest, OpenResponse } from './ballot-opening.worker.js';

/** Below this many ballots in a page, starting threads costs more than it saves. */
const THREADED_FROM = 2_000;
/** Ballots per message to a thread: small enough to balance the threads, large enough that messaging is noise. */
const CHUNK = 1_000;
/** Chunks queued per thread, so a thread finds its next chunk waiting when it finishes one. */
const AHEAD_PER_THREAD = 2;

/** Opens every sealed ballot of an election into its ranking's JSON text. Throws SealedBallotError on one that does not open. */
export async function openBallots(privateKey: KeyObject, electionId: string, pages: AsyncIterable<readonly Buffer[]>, threads = availableParallelism()): Promise<string[]> {
  const opened: Array<Promise<string[]>> = [];
  let pool: OpeningPool | null = null;
  try {
    for await (const page of pages) {
      if (page.length >= THREADED_FROM && threads > 1) {
        pool ??= new OpeningPool(privateKey, electionId, threads);
        for (let from = 0; from < page.length; from += CHUNK) {
          // Keep memory bounded: chunks finish about in order, so wait for the one this many back.
          const limit = threads * AHEAD_PER_THREAD;
          if (opened.length >= limit) await opened[opened.length - limit];
          const chunk = pool.open(page.slice(from, from + CHUNK));
          chunk.catch(() => undefined); // a failure is seen when awaited, not as an unhandled rejection
          opened.push(chunk);
        }
      } else {
        const opener = new BallotOpener(privateKey, electionId);
        opened.push(Promise.resolve(page.map((sealed) => unpadRanking(opener.open(sealed)))));
      }
    }
    return (await Promise.all(opened)).flat();
  } finally {
    await Promise.allSettled(opened);
    await pool?.close();
  }
}

interface Pending { resolve(texts: string[]): void; reject(err: Error): void }

/** Worker threads, each holding the election's key, taking chunks from one queue. */
class OpeningPool {
  private readonly workers: Array<{ thread: Worker; busy: number }>;
  private readonly queue: Array<{ id: number; ballots: readonly Buffer[] }> = [];
  private readonly pending = new Map<number, Pending>();
  private readonly key: { d: string; x: string };
  private nextId = 1;

  constructor(privateKey: KeyObject, private readonly electionId: string, size: number) {
    const jwk = privateKey.export({ format: 'jwk' });
    this.key = { d: String(jwk.d), x: String(jwk.x) };
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  open(ballots: readonly Buffer[]): Promise<string[]> {
    const id = this.nextId++;
    const result = new Promise<string[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ id, ballots });
    this.pump();
    return result;
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.thread.terminate()));
  }

  /** Hands queued chunks to threads that have fewer than two. */
  private pump(): void {
    for (const worker of this.workers) {
      while (worker.busy < AHEAD_PER_THREAD && this.queue.length > 0) {
        const { id, ballots } = this.queue.shift()!;
        worker.busy++;
        // One contiguous buffer, moved to the thread rather than copied ballot by ballot.
        const joined = Buffer.concat(ballots);
        const bytes = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
        const lengths = Uint32Array.from(ballots, (b) => b.length);
        worker.thread.postMessage({ id, key: this.key, electionId: this.electionId, bytes, lengths } satisfies OpenRequest, [bytes, lengths.buffer]);
      }
    }
  }

  private spawn(): { thread: Worker; busy: number } {
    const worker = { thread: spawnOpeningWorker(), busy: 0 };
    worker.thread.on('message', (m: OpenResponse) => {
      worker.busy--;
      const pending = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) pending?.reject(new SealedBallotError(m.error));
      else pending?.resolve(m.texts);
      this.pump();
    });
    const failAll = (err: Error) => {
      for (const pending of this.pending.values()) pending.reject(err);
      this.pending.clear();
      this.queue.length = 0;
    };
    worker.thread.on('error', failAll);
    worker.thread.on('exit', (code) => { if (this.pending.size > 0) failAll(new Error(`a ballot-opening thread exited with code ${code}`)); });
    return worker;
  }
}

function spawnOpeningWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./ballot-opening.worker.js', import.meta.url));
  // Running from the TypeScript sources (tsx, vitest): load the worker through tsx's loader.
  const url = new URL('./ballot-opening.worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, { eval: true });
}
