import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories } from '../../../shared/db/repositories/index.js';
import type { Kernel } from '../../../shared/kernel/kernel.js';
import { syncMetaProcessor } from '../../../services/sync-worker/sync-meta.processor.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';
import { createMetaGitRepo, electionFiles, type MetaGitRepo } from '../../support/meta-git-repo.js';
import { silentLogger } from '../../support/silent-logger.js';
import { testKeyStore } from '../../support/ballots.js';

// The queue adapter: a job runs a sync; the last failed attempt leaves a failed sync run.

describe('sync-meta processor', () => {
  let t: TestDatabase;
  let meta: MetaGitRepo;
  let kernel: Kernel;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    await migrateLatest(t.db);
    meta = await createMetaGitRepo();
    meta.write(electionFiles('elections/2030/steering'));
    await meta.commit('one election');
    const repos = createRepositories(t.db);
    kernel = {
      repos,
      ballotKeys: testKeyStore(repos),
      logger: silentLogger,
      now: () => new Date(),
      shutdown: { add: (_phase: string, _name: string, run: () => Promise<void>) => void stops.push(run) },
      config: {
        database: t.config,
        meta: { repo: meta.remote, branch: 'main', checkoutPath: meta.checkout, electionDir: 'elections', webhookSecret: null, syncIntervalSeconds: 300 },
      },
    } as unknown as Kernel;
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await t?.drop();
    meta?.cleanup();
  });

  const context = { jobId: '1', attempt: 3, maxAttempts: 3, logger: silentLogger };

  it('runs a sync per job', async () => {
    const processor = syncMetaProcessor(kernel);
    await processor.process({ trigger: 'webhook' }, context);
    expect(await kernel.repos.elections.findByKey('2030---steering')).not.toBeNull();
    expect((await kernel.repos.syncRuns.latest())).toMatchObject({ status: 'done', trigger: 'webhook' });
  });

  it('records a failed sync run with the error after the last attempt', async () => {
    const processor = syncMetaProcessor(kernel);
    await processor.onFinalFailure!({ trigger: 'schedule' }, new Error('fetch failed: host unreachable'), context);
    const run = (await kernel.repos.syncRuns.latest())!;
    expect(run).toMatchObject({ status: 'failed', trigger: 'schedule' });
    expect(run.error).toContain('fetch failed: host unreachable');
    expect(run.finishedAt).toBeInstanceOf(Date);
  });
});
