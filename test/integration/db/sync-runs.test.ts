import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { INTERRUPTED_RUN_AFTER_MS, INTERRUPTED_RUN_ERROR } from '../../../shared/db/repositories/sync-runs.repository.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';

// A sync worker killed mid-run never finishes its sync_runs row. The next run to start closes
// such rows, but only old ones: a recent `running` row may be a CLI sync running right now.

const MINUTE = 60 * 1000;

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`interrupted sync runs on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = createRepositories(t.db);
    });
    afterAll(async () => { await t?.drop(); });

    const now = new Date('2030-05-01T12:00:00.000Z');
    const before = (ms: number): Date => new Date(now.getTime() - ms);
    const byId = async (id: string) => (await repos.syncRuns.recent(50)).find((run) => run.id === id)!;

    it('fails runs left running past the bound when a new run starts, and leaves the others alone', async () => {
      const finished = await repos.syncRuns.start('schedule', before(3 * 60 * MINUTE));
      await repos.syncRuns.finish(finished, { status: 'done', metaCommit: 'c1' }, before(3 * 60 * MINUTE - 2000));
      // Started within the bound: maybe a long `urna sync` in another process; not touched. (Made
      // before the killed run, so that its own start does not already close the killed one.)
      const inProgress = await repos.syncRuns.start('cli', before(INTERRUPTED_RUN_AFTER_MS - MINUTE));
      const killed = await repos.syncRuns.start('webhook', before(2 * 60 * MINUTE));

      const next = await repos.syncRuns.start('startup', now);

      expect(await byId(killed)).toMatchObject({ status: 'failed', error: INTERRUPTED_RUN_ERROR, finishedAt: now });
      expect(await byId(finished)).toMatchObject({ status: 'done', error: null, metaCommit: 'c1', finishedAt: before(3 * 60 * MINUTE - 2000) });
      expect(await byId(inProgress)).toMatchObject({ status: 'running', error: null, finishedAt: null });
      expect(await byId(next)).toMatchObject({ status: 'running', finishedAt: null });
    });

    it('closes each interrupted run once, whoever calls it', async () => {
      const later = new Date(now.getTime() + INTERRUPTED_RUN_AFTER_MS + MINUTE);
      // The 'cli' and 'startup' runs of the first test are now past the bound.
      expect(await repos.syncRuns.failInterrupted(later)).toBe(2);
      expect(await repos.syncRuns.failInterrupted(later)).toBe(0);
      expect((await repos.syncRuns.recent(50)).filter((run) => run.status === 'running')).toEqual([]);
    });
  });
}
