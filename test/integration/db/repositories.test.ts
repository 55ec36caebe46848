import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { AlreadyVotedError, CandidatesChangedError } from '../../../shared/db/repositories/votes.repository.js';
import { DuplicateExceptionRequestError } from '../../../shared/db/repositories/exception-requests.repository.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { electionVersion } from '../../support/election-fixtures.js';

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`repositories on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = createRepositories(t.db);
    });
    afterAll(async () => { await t?.drop(); });

    it('round-trips an election with normalised dates, booleans and JSON', async () => {
      const v = electionVersion({ startAt: new Date('2030-01-02T03:04:05.678Z') });
      await t.db.transaction((trx) => repos.elections.saveVersion(trx, v));
      const e = (await repos.elections.findByKey(v.key))!;
      expect(e.startAt).toBeInstanceOf(Date);
      expect(e.startAt.toISOString()).toBe('2030-01-02T03:04:05.678Z');
      expect(e.allowNoOpinion).toBe(true);
      expect(e.deleteAfter).toBe(false);
      expect(e.broken).toBe(false);
      expect(e.archivedAt).toBeNull();
      expect(e.showCandidateFields).toEqual(['affiliation']);
      expect(e.officers).toEqual(['Officer1']);
      expect(e.noWinners).toBe(2);
      const candidates = await repos.elections.listCandidates(e.id);
      expect(candidates.map((c) => c.key)).toEqual(['alice', 'bob', 'carol']);
      expect(candidates[0].info).toEqual({ affiliation: 'Acme' });
      // Voters are deduplicated and matched case-insensitively.
      expect(await repos.elections.countEligible(e.id)).toBe(2);
      expect(await repos.elections.isEligible(e.id, 'vOtEr1')).toBe(true);
      expect(await repos.elections.isEligible(e.id, 'voter3')).toBe(false);
    });

    it('updates by key, keeps candidates on request, archives and flags broken', async () => {
      const v = electionVersion({ key: 'k2', fingerprint: 'a' });
      const first = await t.db.transaction((trx) => repos.elections.saveVersion(trx, v));
      const second = await t.db.transaction((trx) =>
        repos.elections.saveVersion(trx, { ...v, name: 'Renamed', fingerprint: 'b', candidates: [] }, { keepCandidates: true }));
      expect(second.id).toBe(first.id);
      expect(second.name).toBe('Renamed');
      expect((await repos.elections.listCandidates(first.id)).length).toBe(3);
      await repos.elections.markBroken('k2', [{ path: 'k2/election.yaml', level: 'error', message: 'bad' }]);
      expect((await repos.elections.findByKey('k2'))!.broken).toBe(true);
      await repos.elections.archive('k2');
      expect((await repos.elections.findByKey('k2'))!.archivedAt).toBeInstanceOf(Date);
      expect((await repos.elections.list()).map((e) => e.key)).not.toContain('k2');
      expect((await repos.elections.list({ includeArchived: true })).map((e) => e.key)).toContain('k2');
      expect((await repos.elections.fingerprints()).get('k2')).toEqual({ fingerprint: 'b', broken: true, archived: true });
    });

    it('upserts users case-insensitively', async () => {
      const a = await repos.users.upsertByLogin('OctoCat', 'Octo');
      const b = await repos.users.upsertByLogin('octocat', 'Octo Cat');
      expect(b.id).toBe(a.id);
      expect(b.login).toBe('octocat');
      expect((await repos.users.findByLogin('OCTOCAT'))!.name).toBe('Octo Cat');
    });

    it('casts one vote with its ballot, refuses a second, revokes both together', async () => {
      const e = (await repos.elections.findByKey('steering---2030'))!;
      const user = await repos.users.upsertByLogin('voter1', null);
      const link = { kdf: { alg: 'argon2id' as const, memoryKiB: 19456, passes: 2, parallelism: 1 }, salt: Buffer.alloc(16, 1), sealedBallot: Buffer.alloc(60, 2) };
      await repos.votes.castVote({ electionId: e.id, userId: user.id, ballotId: 'ballot-1', ranking: [['alice'], ['bob', 'carol']], link });
      await expect(repos.votes.castVote({ electionId: e.id, userId: user.id, ballotId: 'ballot-2', ranking: [['bob']], link: null }))
        .rejects.toBeInstanceOf(AlreadyVotedError);
      const vote = (await repos.votes.findVote(e.id, user.id))!;
      expect(vote.link?.salt.equals(link.salt)).toBe(true);
      expect(vote.link?.sealedBallot.equals(link.sealedBallot)).toBe(true);
      expect(vote.link?.kdf).toEqual(link.kdf);
      expect(await repos.votes.findBallot(e.id, 'ballot-1')).toEqual([['alice'], ['bob', 'carol']]);
      expect(await repos.votes.countVotes(e.id)).toBe(1);
      expect(await repos.votes.countBallots(e.id)).toBe(1);
      expect([...(await repos.votes.votedElectionIds(user.id))]).toEqual([e.id]);

      await repos.votes.revoke(e.id, user.id, 'ballot-1');
      expect(await repos.votes.countVotes(e.id)).toBe(0);
      expect(await repos.votes.countBallots(e.id)).toBe(0);
    });

    it('refuses a ballot naming a candidate the election does not have, and stores nothing', async () => {
      const e = (await repos.elections.findByKey('steering---2030'))!;
      const user = await repos.users.upsertByLogin('late-voter', null);
      await expect(repos.votes.castVote({ electionId: e.id, userId: user.id, ballotId: 'stale', ranking: [['alice'], ['zed']], link: null }))
        .rejects.toBeInstanceOf(CandidatesChangedError);
      expect(await repos.votes.findVote(e.id, user.id)).toBeNull();
      expect(await repos.votes.findBallot(e.id, 'stale')).toBeNull();
    });

    it('streams rankings in pages and deletes links', async () => {
      const e = (await repos.elections.findByKey('steering---2030'))!;
      for (let i = 0; i < 25; i++) {
        const u = await repos.users.upsertByLogin(`streamer${i}`, null);
        await repos.votes.castVote({
          electionId: e.id, userId: u.id, ballotId: `b${String(i).padStart(3, '0')}`, ranking: [['alice'], ['bob']],
          link: { kdf: { alg: 'argon2id', memoryKiB: 19456, passes: 2, parallelism: 1 }, salt: Buffer.alloc(16), sealedBallot: Buffer.alloc(40) },
        });
      }
      let seen = 0;
      for await (const page of repos.votes.streamRankingTexts(e.id, 10)) {
        seen += page.length;
        expect(page.every((text) => JSON.stringify(JSON.parse(text)) === text)).toBe(true);
      }
      expect(seen).toBe(25);
      expect(await repos.votes.deleteLinks(e.id)).toBe(25);
      const u0 = (await repos.users.findByLogin('streamer0'))!;
      expect((await repos.votes.findVote(e.id, u0.id))!.link).toBeNull();
    });

    it('stores exception requests once per user and election', async () => {
      const e = (await repos.elections.findByKey('steering---2030'))!;
      const u = await repos.users.upsertByLogin('asker', null);
      const r = await repos.exceptionRequests.create({ electionId: e.id, userId: u.id, name: 'Asker', chat: '@asker', description: 'I did docs', comments: '' });
      expect(r.reviewed).toBe(false);
      await expect(repos.exceptionRequests.create({ electionId: e.id, userId: u.id, name: 'A', chat: '', description: 'x', comments: '' }))
        .rejects.toBeInstanceOf(DuplicateExceptionRequestError);
      expect(await repos.exceptionRequests.setReviewed(e.id, r.id, true)).toBe(true);
      const list = await repos.exceptionRequests.listForElection(e.id);
      expect(list).toMatchObject([{ login: 'asker', reviewed: true, name: 'Asker' }]);
    });

    it('records sync runs and tally runs with their results', async () => {
      const runId = await repos.syncRuns.start('webhook');
      await repos.syncRuns.finish(runId, { status: 'done', metaCommit: 'c1', counts: { created: 1 }, problems: [{ path: 'x', level: 'warning', message: 'm' }] });
      expect(await repos.syncRuns.latest()).toMatchObject({ id: runId, status: 'done', counts: { created: 1 }, metaCommit: 'c1' });

      const e = (await repos.elections.findByKey('steering---2030'))!;
      const tallyId = await repos.tallyRuns.create(e.id, 'schulze-winning', null);
      expect((await repos.tallyRuns.unfinished()).map((r) => r.id)).toContain(tallyId);
      await repos.tallyRuns.markRunning(tallyId);
      expect(await repos.tallyRuns.complete(tallyId, { winners: ['alice'] })).toBe(true);
      expect(await repos.tallyRuns.complete(tallyId, { winners: ['bob'] })).toBe(false);
      const done = await repos.tallyRuns.latestDone<{ winners: string[] }>(e.id);
      expect(done).toMatchObject({ status: 'done', attempts: 1, result: { winners: ['alice'] } });
      expect(done!.finishedAt).toBeInstanceOf(Date);
    });

    it('keeps sessions until they expire', async () => {
      await repos.sessions.set('sid1', '{"a":1}', new Date(Date.now() + 60_000));
      expect(await repos.sessions.get('sid1')).toBe('{"a":1}');
      await repos.sessions.set('sid1', '{"a":2}', new Date(Date.now() - 1));
      expect(await repos.sessions.get('sid1')).toBeNull();
    });
  });
}

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`text comparison on ${target.kind}`, () => {
    it('compares ids and keys exactly, whatever the server collation', async () => {
      const t = await createTestDatabase(target.kind);
      try {
        await migrateLatest(t.db);
        const repos = createRepositories(t.db);
        await t.db.transaction((trx) => repos.elections.saveVersion(trx, electionVersion({ key: 'Case' })));
        expect(await repos.elections.findByKey('case')).toBeNull();
        const e = (await repos.elections.findByKey('Case'))!;
        const u1 = await repos.users.upsertByLogin('one', null);
        const u2 = await repos.users.upsertByLogin('two', null);
        await repos.votes.castVote({ electionId: e.id, userId: u1.id, ballotId: 'AbC', ranking: [['alice']], link: null });
        await repos.votes.castVote({ electionId: e.id, userId: u2.id, ballotId: 'aBc', ranking: [['bob']], link: null });
        expect(await repos.votes.findBallot(e.id, 'AbC')).toEqual([['alice']]);
        expect(await repos.votes.findBallot(e.id, 'aBc')).toEqual([['bob']]);
      } finally {
        await t.drop();
      }
    });
  });
}
