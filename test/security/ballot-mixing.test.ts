import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../shared/db/migrate.js';
import { newId } from '../../shared/db/ids.js';
import { createRepositories, type Repositories } from '../../shared/db/repositories/index.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../support/databases.js';
import { electionVersion } from '../support/election-fixtures.js';
import { createLogger } from '../../shared/logging/logger.js';
import { BallotMixer } from '../../services/web/voting/ballot-mixer.js';
import { spearman, xidPairingSuccess } from '../support/rank-stats.js';

// The repository side of ballot mixing: rewriting ballots keeps every id and ranking, runs
// beside votes and revokes without losing either, and on PostgreSQL really gives the ballot a
// transaction id other than its vote row's.

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`ballot mixing on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let electionId: string;
    const users: string[] = [];
    const ballotOf = new Map<string, string>();

    const snapshot = async () =>
      (await t.db('ballots').where({ election_id: electionId }).select('id', 'ranking').orderBy('id')).map((r: { id: string; ranking: string }) => `${r.id}=${r.ranking}`);

    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = createRepositories(t.db);
      const logins = Array.from({ length: 60 }, (_, i) => `mixer-${i}`);
      electionId = (await t.db.transaction((trx) => repos.elections.saveVersion(trx, electionVersion({ voters: logins })))).id;
      for (const login of logins) users.push((await repos.users.upsertByLogin(login, null)).id);
      for (const [i, userId] of users.slice(0, 40).entries()) {
        const ballotId = newId();
        ballotOf.set(userId, ballotId);
        await repos.votes.castVote({ electionId, userId, ballotId, ranking: [[['alice', 'bob', 'carol'][i % 3]!]], link: null });
      }
    });
    afterAll(async () => { await t?.drop(); });

    it('mixes a ballot among others without changing any id or ranking', async () => {
      const before = await snapshot();
      const rewritten = await repos.votes.mixBallots(electionId, [ballotOf.get(users[0]!)!], 16);
      expect(rewritten).toBe(target.kind === 'sqlite' ? 0 : 17);
      expect(await snapshot()).toEqual(before);
    });

    it.runIf(target.kind === 'postgres')('gives the mixed ballot a transaction id other than its vote row\'s', async () => {
      const userId = users[40]!;
      const ballotId = newId();
      await repos.votes.castVote({ electionId, userId, ballotId, ranking: [['bob']], link: null });
      const xmin = async () => ({
        vote: (await t.db.raw('select xmin::text as x from votes where user_id = ?', [userId])).rows[0].x as string,
        ballot: (await t.db.raw('select xmin::text as x from ballots where id = ?', [ballotId])).rows[0].x as string,
      });
      const cast = await xmin();
      expect(cast.ballot).toBe(cast.vote); // what a database administrator could pair, before mixing
      await repos.votes.mixBallots(electionId, [ballotId], 16);
      const mixed = await xmin();
      expect(mixed.ballot).not.toBe(mixed.vote);
      const group = (await t.db.raw('select count(*)::int as n from ballots where xmin::text = ?', [mixed.ballot])).rows[0].n as number;
      expect(group).toBe(17);
    });

    it('mixes the ballots cast meanwhile in one batch (BallotMixer), keeping every id and ranking', async () => {
      const logins = Array.from({ length: 30 }, (_, i) => `batch-${i}`);
      const batchElection = (await t.db.transaction((trx) => repos.elections.saveVersion(trx, electionVersion({ key: 'batch', path: 'batch', voters: logins })))).id;
      const mixer = new BallotMixer(repos.votes, createLogger({ level: 'silent' }));
      const cast: Array<{ userId: string; ballotId: string }> = [];
      for (const login of logins) {
        const userId = (await repos.users.upsertByLogin(login, null)).id;
        const ballotId = newId();
        await repos.votes.castVote({ electionId: batchElection, userId, ballotId, ranking: [['alice'], ['bob']], link: null });
        if (cast.length >= 10) mixer.add(batchElection, ballotId); // the first 10 stand for earlier, mixed ballots
        cast.push({ userId, ballotId });
      }
      const before = (await t.db('ballots').where({ election_id: batchElection }).select('id', 'ranking').orderBy('id')).map((r) => `${r.id}=${r.ranking}`);
      await mixer.flush();
      const after = (await t.db('ballots').where({ election_id: batchElection }).select('id', 'ranking').orderBy('id')).map((r) => `${r.id}=${r.ranking}`);
      expect(after).toEqual(before);
      if (target.kind === 'postgres') {
        const xmin = async (table: string, column: string, ids: string[]) => (await t.db.raw(`select ${column} as id, xmin::text as x from ${table} where ${column} = any(?)`, [ids])).rows as Array<{ id: string; x: string }>;
        const fresh = cast.slice(10);
        const ballotXmins = new Set((await xmin('ballots', 'id', fresh.map((c) => c.ballotId))).map((r) => r.x));
        const voteXmins = new Set((await xmin('votes', 'user_id', fresh.map((c) => c.userId))).map((r) => r.x));
        expect(ballotXmins.size).toBe(1); // one mixing transaction for the 20 new ballots
        expect(voteXmins.has([...ballotXmins][0]!)).toBe(false);
        const group = (await t.db.raw('select count(*)::int as n from ballots where election_id = ? and xmin::text = ?', [batchElection, [...ballotXmins][0]])).rows[0].n as number;
        expect(group).toBe(30); // the 20 new ones and all 10 others (fewer than the sample size)
      }
    });

    it('runs beside simultaneous votes, revokes and other mixes without losing or doubling anything', async () => {
      const revokers = users.slice(1, 11);
      const voters = users.slice(41, 60);
      const fresh = voters.map(() => newId());
      const work: Array<Promise<unknown>> = [
        ...revokers.map((u) => repos.votes.revoke(electionId, u, ballotOf.get(u)!)),
        ...voters.map((u, i) => repos.votes.castVote({ electionId, userId: u, ballotId: fresh[i]!, ranking: [['carol']], link: null })
          .then(() => repos.votes.mixBallots(electionId, [fresh[i]!], 8))),
        ...users.slice(11, 31).map((u) => repos.votes.mixBallots(electionId, [ballotOf.get(u)!], 8)),
      ];
      const outcomes = await Promise.allSettled(work);
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
      const ids = new Set((await t.db('ballots').where({ election_id: electionId }).select('id')).map((r: { id: string }) => r.id));
      for (const u of revokers) expect(ids.has(ballotOf.get(u)!)).toBe(false);
      for (const b of fresh) expect(ids.has(b)).toBe(true);
      // 40 cast first + 1 (xmin test on PostgreSQL) - 10 revoked + 19 new.
      const expected = 40 + (target.kind === 'postgres' ? 1 : 0) - 10 + 19;
      expect(ids.size).toBe(expected);
      expect(await repos.votes.countVotes(electionId)).toBe(expected);
    });

    it.runIf(target.kind === 'postgres')('measures what mixing removes: without it, heap order and xmin give every vote away', async () => {
      const logins = Array.from({ length: 100 }, (_, i) => `plain-${i}`);
      const plain = (await t.db.transaction((trx) => repos.elections.saveVersion(trx, electionVersion({ key: 'plain', path: 'plain', voters: logins })))).id;
      const cast: Array<{ userId: string; ballotId: string }> = [];
      for (const login of logins) {
        const userId = (await repos.users.upsertByLogin(login, null)).id;
        const ballotId = newId();
        await repos.votes.castVote({ electionId: plain, userId, ballotId, ranking: [['alice']], link: null });
        cast.push({ userId, ballotId });
      }
      const measure = async () => {
        const heap = (await t.db.raw('select id, xmin::text as x from ballots where election_id = ? order by ctid', [plain])).rows as Array<{ id: string; x: string }>;
        const votes = new Map(((await t.db.raw('select user_id, xmin::text as x from votes where election_id = ?', [plain])).rows as Array<{ user_id: string; x: string }>).map((r) => [r.user_id, BigInt(r.x)]));
        const position = new Map(heap.map((b, i) => [b.id, i]));
        const xid = new Map(heap.map((b) => [b.id, BigInt(b.x)]));
        return {
          rho: spearman(cast.map((_, i) => i), cast.map((c) => position.get(c.ballotId)!)),
          same: cast.filter((c) => xid.get(c.ballotId) === votes.get(c.userId)).length,
          pairing: xidPairingSuccess(cast.map((c) => ({ xid: votes.get(c.userId)!, ballotId: c.ballotId })), heap.map((b) => ({ id: b.id, xid: BigInt(b.x) }))),
        };
      };
      const before = await measure();
      expect(before.same).toBe(100);
      expect(before.rho).toBeGreaterThan(0.99);
      expect(before.pairing).toBe(1);
      await t.db.transaction((trx) => createRepositories(trx).votes.reshuffle(plain));
      const after = await measure();
      expect(after.same).toBe(0);
      expect(Math.abs(after.rho)).toBeLessThan(0.4);
      expect(after.pairing).toBeCloseTo(0.01, 5);
      console.info(`[figures] postgres without mixing (vote and ballot in one transaction, nothing else): Spearman(voting order, heap order) = ${before.rho.toFixed(3)}, ` +
        `vote xmin = ballot xmin for ${before.same}/100, pairing by xmin ${(before.pairing * 100).toFixed(0)}%; after one reshuffle: ${after.rho.toFixed(3)}, ${after.same}/100, ${(after.pairing * 100).toFixed(1)}%`);
    });

    it('reshuffles all of an election\'s ballots in one transaction, keeping ids and rankings', async () => {
      const before = await snapshot();
      await t.db.transaction((trx) => createRepositories(trx).votes.reshuffle(electionId));
      expect(await snapshot()).toEqual(before);
      if (target.kind === 'postgres') {
        const xmins = await t.db.raw('select count(distinct xmin::text)::int as n from ballots where election_id = ?', [electionId]);
        expect(xmins.rows[0].n).toBe(1);
      }
    });
  });
}
