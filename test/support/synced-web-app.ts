import { syncMetaProcessor } from '../../services/sync-worker/sync-meta.processor.js';
import { createMetaGitRepo, type MetaGitRepo } from './meta-git-repo.js';
import { waitFor } from './wait-for.js';
import { startTestWebApp, type TestWebApp, type TestWebAppOptions } from './web-app.js';

// The test web app reading a real meta repository (bare remote + working clone), with the sync
// worker in the same process: what officers commit shows up after "Sync now", as in production.

export interface SyncedWebApp extends TestWebApp {
  meta: MetaGitRepo;
  /** Holds every sync that starts from now on until the returned function is called. */
  holdSyncs(): () => void;
  /** Consume these queues (git-sync is always consumed): the in-process queue takes the whole list each time. */
  consume(queues: string[]): Promise<void>;
}

export async function startSyncedWebApp(files: Record<string, string>, options: TestWebAppOptions = {}): Promise<SyncedWebApp> {
  const meta = await createMetaGitRepo();
  meta.write(files);
  await meta.commit('elections');
  const t = await startTestWebApp({
    ...options,
    configure: (c) => {
      const configured = options.configure ? options.configure(c) : c;
      return { ...configured, meta: { ...configured.meta, repo: meta.remote, checkoutPath: meta.checkout, electionDir: 'elections', branch: 'main' } };
    },
  });
  const sync = syncMetaProcessor(t.kernel);
  let gate: Promise<void> = Promise.resolve();
  t.kernel.processors.register('sync-meta', {
    async process(payload, context) {
      await gate;
      await sync.process(payload, context);
    },
    onFinalFailure: sync.onFinalFailure,
  });
  const consume = (queues: string[]) => t.kernel.queue.startWorkers(t.kernel.processors, [...new Set(['git-sync', ...queues])]);
  await consume([]);
  await t.kernel.queue.enqueue('sync-meta', { trigger: 'startup' });
  await waitFor(async () => (await t.kernel.repos.syncRuns.latest())?.status === 'done', 30_000);
  const closeApp = t.close;
  return Object.assign(t, {
    meta,
    consume,
    holdSyncs() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => { release = resolve; });
      return release;
    },
    async close() {
      await closeApp();
      meta.cleanup();
    },
  });
}
