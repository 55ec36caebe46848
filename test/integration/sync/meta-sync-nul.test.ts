import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { createGitMetaSource } from '../../../services/sync-worker/git-meta-source.js';
import { createMetaSync, type MetaSync } from '../../../services/sync-worker/meta-sync.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { candidateMd, createMetaGitRepo, electionFiles, electionYaml, type MetaGitRepo } from '../../support/meta-git-repo.js';
import { silentLogger } from '../../support/silent-logger.js';

// A NUL character (U+0000) committed in a meta file. PostgreSQL text cannot hold one, so before
// the parser refused such files the election holding it failed to save on every sync, and the
// run was marked failed and retried forever. SQLite and MariaDB would store it; they run the
// same story to show the outcome does not depend on the database.

const NUL_MESSAGE = /contains a NUL character \(U\+0000\)/;

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`meta sync of files holding a NUL character on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let meta: MetaGitRepo;

    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = createRepositories(t.db);
      meta = await createMetaGitRepo();
    });
    afterAll(async () => {
      await t?.drop();
      meta?.cleanup();
    });

    function newSync(): MetaSync {
      const source = createGitMetaSource({ repo: meta.remote, branch: 'main', checkoutPath: meta.checkout, electionDir: 'elections' });
      return createMetaSync({ repos, source, now: () => new Date(), logger: silentLogger, concurrency: target.kind === 'sqlite' ? 1 : 4 });
    }

    it('saves every other election and records the problem; later syncs do not fail on it', async () => {
      meta.write({
        ...electionFiles('elections/2030/steering', { name: 'Steering 2030', candidates: ['alice', 'bob'] }),
        // A candidate whose bio was pasted with a NUL in it: the candidate is left out.
        'elections/2030/steering/candidate-bob.md': candidateMd('bob', 'Bob', 'Statement\0of Bob.'),
        ...electionFiles('elections/2030/toc', { name: 'TOC 2030' }),
        // An election.yaml holding a NUL: the election is set aside.
        'elections/2030/toc/election.yaml': electionYaml({ name: 'TOC\0 2030' }),
        ...electionFiles('elections/2030/gb', { name: 'GB 2030' }),
      });
      const head = await meta.commit('elections, two of them with a NUL character');
      const sync = newSync();

      const first = await sync.run('startup');
      expect(first).toMatchObject({ status: 'done', commit: head, error: null });
      expect(first.counts).toMatchObject({ created: 2, broken: 1, failed: 0 });

      const steering = (await repos.elections.findByKey('2030---steering'))!;
      expect((await repos.elections.listCandidates(steering.id)).map((c) => c.key)).toEqual(['alice']);
      expect(await repos.elections.findByKey('2030---gb')).toMatchObject({ name: 'GB 2030', broken: false });
      expect(await repos.elections.findByKey('2030---toc')).toBeNull();

      const nulErrors = [
        { path: '2030/steering/candidate-bob.md', line: 8, level: 'error', electionKey: '2030---steering', message: expect.stringMatching(NUL_MESSAGE) },
        { path: '2030/toc/election.yaml', line: 1, level: 'error', electionKey: '2030---toc', message: expect.stringMatching(NUL_MESSAGE) },
      ];
      expect(first.problems.filter((p) => p.level === 'error')).toEqual(nulErrors);
      // Recorded where officers read them: on the run, and on the election that was saved.
      expect((await repos.syncRuns.latest())!).toMatchObject({ status: 'done', metaCommit: head, error: null });
      expect((await repos.syncRuns.latest())!.problems.filter((p) => p.level === 'error')).toEqual(nulErrors);
      expect(steering.problems).toContainEqual({ path: '2030/steering/candidate-bob.md', line: 8, level: 'error', message: expect.stringMatching(NUL_MESSAGE) });

      // The next commit leaves the NUL files as they are: nothing fails, nothing is rewritten.
      meta.write({ 'README.md': '# meta\n' });
      await meta.commit('unrelated');
      const second = await sync.run('webhook');
      expect(second).toMatchObject({ status: 'done', error: null });
      expect(second.counts).toMatchObject({ unchanged: 2, broken: 1, failed: 0, created: 0, updated: 0 });

      // Nor in a fresh process, which parses every file again.
      const cold = await newSync().run('cli', { force: true });
      expect(cold).toMatchObject({ status: 'done', error: null });
      expect(cold.counts).toMatchObject({ unchanged: 2, broken: 1, failed: 0 });
    });
  });
}
