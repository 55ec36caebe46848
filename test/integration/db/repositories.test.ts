import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import { AlreadyVotedError, CandidatesChangedError } from '../../../shared/db/repositories/votes.repository.js';
import { DuplicateExceptionRequestError } from '../../../shared/db/repositories/exception-requests.repository.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { electionVersion } from '../../support/election-fixtures.js';
import { castSealedBallot, openSealedBallots } from '../../support/ballots.js';

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

    it('casts one vote with its sealed ballot, refuses a second, revokes both together', async () => {
      const e = (await repos.elections.findByKey('steering---2030'))!;
      const user = await repos.users.upsertByLogin('voter1', null);
      const link = Buffer.alloc(60, 2);
      await castSealedBallot(repos, { electionId: e.id, userId: user.id, ballotId: 'ballot-1', ranking: [['alice'], ['bob', 'carol']], link });
      await expect(castSealedBallot(repos, { electionId: e.id, userId: user.id, ballotId: 'ballot-2', ranking: [['bob']] }))
        .rejects.toBeInstanceOf(AlreadyVotedError);
      const vote = (await repos.votes.findVote(e.id, user.id))!;
      expect(vote.link?.equals(link)).toBe(true);
      expect(await openSealedBallots(repos, t.db, e.id)).toEqual([{ id: 'ballot-1', ranking: '[["alice"],["bob","carol"]]' }]);
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
      await expect(castSealedBallot(repos, { electionId: e.id, userId: user.id, ballotId: 'stale', ranking: [['alice'], ['zed']] }))
        .rejects.toBeInstanceOf(CandidatesChangedError);
      expect(await repos.votes.findVote(e.id, user.id)).toBeNull();
      expect(await t.db('sealed_ballots').where({ id: 'stale' })).toEqual([]);
    });

    it('streams sealed ballots in pages, replaces them by counted rankings under new ids, and deletes links', async () => {
      const e = (await repos.elections.findByKey('steering---2030'))!;
      for (let i = 0; i < 25; i++) {
        const u = await repos.users.upsertByLogin(`streamer${i}`, null);
        await castSealedBallot(repos, { electionId: e.id, userId: u.id, ballotId: `b${String(i).padStart(3, '0')}`, ranking: [['alice'], ['bob']], link: Buffer.alloc(40) });
      }
      const sealed: Buffer[] = [];
      for await (const page of repos.votes.streamSealedBallots(e.id, 10)) sealed.push(...page);
      expect(sealed).toHaveLength(25);
      expect(new Set(sealed.map((b) => b.length)).size).toBe(1);

      await t.db.transaction((trx) => createRepositories(trx).votes.replaceSealedByCounted(e.id, sealed.map(() => '[["alice"],["bob"]]')));
      expect(await t.db('sealed_ballots').where({ election_id: e.id })).toEqual([]);
      const counted: string[] = [];
      for await (const page of repos.votes.streamRankingTexts(e.id, 1)) counted.push(...page);
      expect(counted).toEqual(Array(25).fill('[["alice"],["bob"]]'));
      const countedIds = (await t.db('counted_ballot_pages').where({ election_id: e.id }).pluck('id')) as string[];
      expect(countedIds.some((id) => /^b\d{3}$/.test(id))).toBe(false);
      expect(await repos.votes.countBallots(e.id)).toBe(25);

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
        await castSealedBallot(repos, { electionId: e.id, userId: u1.id, ballotId: 'AbC', ranking: [['alice']] });
        await castSealedBallot(repos, { electionId: e.id, userId: u2.id, ballotId: 'aBc', ranking: [['bob']] });
        const opened = new Map((await openSealedBallots(repos, t.db, e.id)).map((b) => [b.id, b.ranking]));
        expect(opened.get('AbC')).toBe('[["alice"]]');
        expect(opened.get('aBc')).toBe('[["bob"]]');
      } finally {
        await t.drop();
      }
    });
  });
}
