// Parsing a large meta repository is CPU work (YAML), seconds for a first sync. A small pool of
// worker threads parses chunks in parallel, off the thread that serves web requests (the
// embedded default runs everything in one process) and writes to the database meanwhile.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseMetaTree, type MetaParseResult, type MetaTree } from '../../shared/domain/meta/index.js';
import type { ParseRequest } from './meta-parse.worker.js';

/** Parses an elections tree, in this thread or another. Never rejects (the parser is total). */
export type TreeParser = (tree: MetaTree) => Promise<MetaParseResult>;

/** In this thread, after yielding to the event loop so other work runs between chunks. */
export const inThreadParser: TreeParser = async (tree) => {
  await new Promise((resolve) => setImmediate(resolve));
  return parseMetaTree(tree);
};

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker | null) => void> = [];
  private broken = false;
  private nextId = 1;

  /** Starts the workers now, so their start-up is not paid by the first sync. */
  constructor(readonly size = Math.min(4, availableParallelism()), private readonly onFailure?: (err: Error) => void) {
    if (size < 1) this.broken = true; // no workers: parse in this thread
    try {
      for (let i = 0; i < size; i++) this.workers.push(spawnParseWorker());
      for (const w of this.workers) w.unref();
      this.idle.push(...this.workers);
    } catch (err) {
      this.fail(err);
    }
  }

  readonly parse: TreeParser = async (tree) => {
    const worker = await this.acquire();
    if (!worker) return inThreadParser(tree);
    try {
      return await this.run(worker, tree);
    } catch (err) {
      // A worker that cannot load or dies: parse here from now on, the result is the same.
      this.fail(err);
      return inThreadParser(tree);
    } finally {
      this.release(worker);
    }
  };

  async close(): Promise<void> {
    this.broken = true;
    for (const wake of this.waiting.splice(0)) wake(null);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private acquire(): Promise<Worker | null> {
    if (this.broken) return Promise.resolve(null);
    const worker = this.idle.pop();
    return worker ? Promise.resolve(worker) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(this.broken ? null : worker);
    else this.idle.push(worker);
  }

  private run(worker: Worker, tree: MetaTree): Promise<MetaParseResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const done = () => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        worker.unref();
      };
      const onError = (err: Error) => {
        done();
        reject(err);
      };
      const onMessage = (m: { id: number; result: MetaParseResult }) => {
        if (m.id !== id) return;
        done();
        resolve(m.result);
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`the parse worker exited with code ${code}`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.ref(); // an unref'd worker would let the process exit while we wait for it
      worker.postMessage({ id, files: [...tree] } satisfies ParseRequest);
    });
  }

  private fail(err: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.onFailure?.(err instanceof Error ? err : new Error(String(err)));
    for (const wake of this.waiting.splice(0)) wake(null);
    for (const w of this.workers) void w.terminate();
  }
}

function spawnParseWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./meta-parse.worker.js', import.meta.url));
  // Running from the TypeScript sources (tsx, vitest): load the worker through tsx's loader.
  const url = new URL('./meta-parse.worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, { eval: true });
}
