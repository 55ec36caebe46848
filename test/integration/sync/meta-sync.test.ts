import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { createGitMetaSource, type GitMetaSource } from '../../../services/sync-worker/git-meta-source.js';
import { createMetaSync, type MetaSync } from '../../../services/sync-worker/meta-sync.js';
import { ParsePool } from '../../../services/sync-worker/parse-pool.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { candidateMd, createMetaGitRepo, electionFiles, electionYaml, type MetaGitRepo } from '../../support/meta-git-repo.js';
import { silentLogger } from '../../support/silent-logger.js';
import { castSealedBallot } from '../../support/ballots.js';

// The whole sync against a real git repository (bare remote + working clone) and a real database,
// one step after another, as an officer would change the meta repository over an election.

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`meta sync on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let meta: MetaGitRepo;
    let sync: MetaSync;
    // Worker-thread parsing, as the sync worker runs it (the plain in-thread path is the default elsewhere).
    let parsePool: ParsePool;

    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = createRepositories(t.db);
      meta = await createMetaGitRepo();
      parsePool = new ParsePool(2, (err) => { throw err; });
      sync = newSync();
    });
    afterAll(async () => {
      await parsePool?.close();
      await t?.drop();
      meta?.cleanup();
    });

    let source: GitMetaSource;
    function newSync(): MetaSync {
      source = createGitMetaSource({ repo: meta.remote, branch: 'main', checkoutPath: meta.checkout, electionDir: 'elections' });
      return createMetaSync({ repos, source, parsePool, now: () => new Date(), logger: silentLogger, concurrency: target.kind === 'sqlite' ? 1 : 4 });
    }
    const checkedOut = async (path: string) => {
      await source.worktreeSettled();
      return readFileSync(join(meta.checkout, path), 'utf8');
    };

    async function castBallot(key: string, ranking: string[][]): Promise<void> {
      const election = (await repos.elections.findByKey(key))!;
      const user = await repos.users.upsertByLogin(`voter-${randomBytes(4).toString('hex')}`, null);
      await castSealedBallot(repos, { electionId: election.id, userId: user.id, ranking });
    }

    it('clones and creates every election on the first sync, problems tagged with their election', async () => {
      meta.write({
        ...electionFiles('elections/2030/steering', { name: 'Steering 2030', voters: ['alice', 'Bob', 'bob'] }),
        ...electionFiles('elections/2030/toc', { name: 'TOC 2030' }),
        'elections/2030/toc/voters.yaml': null,
        'README.md': '# meta\n',
      });
      const head = await meta.commit('first elections');
      const outcome = await sync.run('startup');
      expect(outcome.problems.filter((p) => p.level === 'error')).toEqual([]);
      expect(outcome).toMatchObject({ status: 'done', commit: head, error: null });
      expect(outcome.counts).toMatchObject({ created: 2, updated: 0, unchanged: 0, archived: 0, broken: 0, restored: 0 });

      const steering = (await repos.elections.findByKey('2030---steering'))!;
      expect(steering).toMatchObject({ name: 'Steering 2030', path: '2030/steering', metaCommit: head, broken: false });
      expect((await repos.elections.listCandidates(steering.id)).map((c) => c.key)).toEqual(['alice', 'bob']);
      // Logins are deduplicated case-insensitively (the parser keeps the first spelling, and warns).
      expect(await repos.elections.listEligible(steering.id)).toEqual(['alice', 'Bob']);

      // toc has no voters.yaml: loaded, with a warning its officers see.
      const missing = outcome.problems.find((p) => p.path === '2030/toc/voters.yaml');
      expect(missing).toMatchObject({ level: 'warning', electionKey: '2030---toc' });
      expect((await repos.elections.findByKey('2030---toc'))!.problems.some((p) => p.path === '2030/toc/voters.yaml')).toBe(true);

      const run = (await repos.syncRuns.latest())!;
      expect(run).toMatchObject({ status: 'done', trigger: 'startup', metaCommit: head, error: null });
      expect(run.counts).toMatchObject({ created: 2 });
      expect(run.finishedAt).toBeInstanceOf(Date);
    });

    it('skips quickly when the branch head has not moved', async () => {
      const started = Date.now();
      const outcome = await sync.run('schedule');
      expect(outcome.status).toBe('skipped');
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await repos.syncRuns.latest())!.status).toBe('skipped');
    });

    it('applies a commit: only the changed election is written', async () => {
      meta.write({ 'elections/2030/steering/election.yaml': electionYaml({ name: 'Steering Committee 2030' }) });
      const head = await meta.commit('rename the steering election');
      const outcome = await sync.run('webhook');
      expect(outcome.counts).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
      const steering = (await repos.elections.findByKey('2030---steering'))!;
      expect(steering).toMatchObject({ name: 'Steering Committee 2030', metaCommit: head });
      expect((await repos.elections.findByKey('2030---toc'))!.metaCommit).not.toBe(head);
    });

    it('follows a force push that rewrites history', async () => {
      await meta.rewind(1);
      meta.write({ 'elections/2030/steering/election.yaml': electionYaml({ name: 'Steering (rewritten)' }) });
      const head = await meta.forcePush('rewritten history');
      const outcome = await sync.run('webhook');
      expect(outcome).toMatchObject({ status: 'done', commit: head });
      expect((await repos.elections.findByKey('2030---steering'))!.name).toBe('Steering (rewritten)');
      // The checkout in META_PATH follows too (sync itself reads git objects at the head).
      expect(await checkedOut('elections/2030/steering/election.yaml')).toContain('Steering (rewritten)');
      expect((await simpleGit(meta.checkout).revparse(['HEAD'])).trim()).toBe(head);
    });

    it('archives a renamed directory and creates the new one', async () => {
      meta.write({ 'elections/2030/toc': null, ...electionFiles('elections/2031/toc', { name: 'TOC 2031' }) });
      await meta.commit('move toc to 2031');
      const outcome = await sync.run('webhook');
      expect(outcome.counts).toMatchObject({ created: 1, archived: 1, unchanged: 1 });
      expect((await repos.elections.findByKey('2030---toc'))!.archivedAt).toBeInstanceOf(Date);
      expect((await repos.elections.findByKey('2031---toc'))!.archivedAt).toBeNull();
      expect((await repos.elections.list()).map((e) => e.key).sort()).toEqual(['2030---steering', '2031---toc']);
    });

    it('archives a deleted election with its ballots, and un-archives it when it comes back', async () => {
      await castBallot('2031---toc', [['alice'], ['bob']]);
      meta.write({ 'elections/2031/toc': null });
      await meta.commit('delete toc');
      expect((await sync.run('webhook')).counts).toMatchObject({ archived: 1 });
      const toc = (await repos.elections.findByKey('2031---toc'))!;
      expect(toc.archivedAt).toBeInstanceOf(Date);
      expect(await repos.votes.countBallots(toc.id)).toBe(1);

      meta.write(electionFiles('elections/2031/toc', { name: 'TOC 2031' }));
      await meta.commit('restore toc');
      expect((await sync.run('webhook')).counts).toMatchObject({ restored: 1, unchanged: 1 });
      const back = (await repos.elections.findByKey('2031---toc'))!;
      expect(back.id).toBe(toc.id);
      expect(back.archivedAt).toBeNull();
      expect(await repos.votes.countBallots(back.id)).toBe(1);
    });

    it('keeps the last good version of a broken election, flagged, and restores it once fixed', async () => {
      meta.write({ 'elections/2030/steering/election.yaml': 'name: [unclosed\nstart_datetime: : :\n' });
      await meta.commit('break steering');
      const outcome = await sync.run('webhook');
      expect(outcome.status).toBe('done');
      expect(outcome.counts).toMatchObject({ broken: 1, unchanged: 1 });
      const broken = (await repos.elections.findByKey('2030---steering'))!;
      expect(broken).toMatchObject({ name: 'Steering (rewritten)', broken: true, archivedAt: null });
      expect(broken.problems.some((p) => p.level === 'error' && p.path === '2030/steering/election.yaml')).toBe(true);
      expect(outcome.problems.filter((p) => p.level === 'error').every((p) => p.electionKey === '2030---steering')).toBe(true);
      expect((await repos.syncRuns.latest())!.problems.length).toBeGreaterThan(0);

      meta.write({ 'elections/2030/steering/election.yaml': electionYaml({ name: 'Steering (fixed)' }) });
      await meta.commit('fix steering');
      expect((await sync.run('webhook')).counts).toMatchObject({ restored: 1, broken: 0 });
      const fixed = (await repos.elections.findByKey('2030---steering'))!;
      expect(fixed).toMatchObject({ name: 'Steering (fixed)', broken: false });
      expect(fixed.problems.filter((p) => p.level === 'error')).toEqual([]);
    });

    it('refuses a candidate change once ballots exist, applies the other fields and tells the officers', async () => {
      await castBallot('2030---steering', [['alice', 'bob']]);
      meta.write({
        'elections/2030/steering/election.yaml': electionYaml({ name: 'Steering (late edit)' }),
        'elections/2030/steering/candidate-bob.md': null,
        'elections/2030/steering/candidate-dave.md': candidateMd('dave'),
      });
      await meta.commit('replace bob with dave after voting started');
      const outcome = await sync.run('webhook');
      expect(outcome.counts).toMatchObject({ updated: 1 });
      const steering = (await repos.elections.findByKey('2030---steering'))!;
      expect(steering.name).toBe('Steering (late edit)');
      expect((await repos.elections.listCandidates(steering.id)).map((c) => c.key)).toEqual(['alice', 'bob']);
      const refusal = outcome.problems.find((p) => p.message.includes('candidate list changed'));
      expect(refusal).toMatchObject({ level: 'error', electionKey: '2030---steering' });
      expect(refusal!.message).toContain('added dave');
      expect(refusal!.message).toContain('removed bob');
      expect(steering.problems.some((p) => p.message.includes('candidate list changed'))).toBe(true);

      // An unrelated commit: the election is unchanged and keeps its refusal on record.
      meta.write({ 'README.md': '# meta, edited\n' });
      await meta.commit('unrelated');
      expect((await sync.run('schedule')).counts).toMatchObject({ unchanged: 2, updated: 0 });
      expect((await repos.elections.findByKey('2030---steering'))!.problems.some((p) => p.message.includes('candidate list changed'))).toBe(true);
    });

    it('a fresh process (cold parse cache) finds everything unchanged', async () => {
      const outcome = await newSync().run('cli', { force: true });
      expect(outcome.status).toBe('done');
      expect(outcome.counts).toMatchObject({ unchanged: 2, created: 0, updated: 0, restored: 0 });
    });

    it('fails, archiving nothing, when the elections root is missing (a wrong ELECTION_DIR)', async () => {
      const wrongDir = createGitMetaSource({ repo: meta.remote, branch: 'main', checkoutPath: meta.checkout, electionDir: 'election' });
      const wrong = createMetaSync({ repos, source: wrongDir, now: () => new Date(), logger: silentLogger });
      await expect(wrong.run('cli', { force: true })).rejects.toThrow(/ELECTION_DIR/);
      expect((await repos.syncRuns.latest())!.status).toBe('failed');
      expect((await repos.elections.list()).length).toBe(2);
    });

    it('records a failed run when the repository cannot be fetched', async () => {
      const source = createGitMetaSource({ repo: `${meta.remote}-missing`, branch: 'main', checkoutPath: `${meta.checkout}-other`, electionDir: 'elections' });
      const broken = createMetaSync({ repos, source, now: () => new Date(), logger: silentLogger });
      await expect(broken.run('schedule')).rejects.toThrow();
      const run = (await repos.syncRuns.latest())!;
      expect(run.status).toBe('failed');
      expect(run.error).toBeTruthy();
      // The elections are untouched.
      expect((await repos.elections.list()).length).toBe(2);
    });
  });
}
