import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import type { TallyRun } from '../../../shared/db/repositories/tally-runs.repository.js';
import { ElectionConcludedError } from '../../../shared/db/repositories/votes.repository.js';
import type { TallyResult } from '../../../shared/domain/condorcet/index.js';
import { electionStatus } from '../../../shared/domain/election/election.js';
import type { Kernel } from '../../../shared/kernel/kernel.js';
import { requestTally, requestTallyPorts } from '../../../services/tally-worker/request-tally.js';
import { tallyElectionProcessor } from '../../../services/tally-worker/tally-election.processor.js';
import { tallyWorkerService } from '../../../services/tally-worker/tally-worker.service.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { silentLogger } from '../../support/silent-logger.js';
import { sleep, waitFor } from '../../support/wait-for.js';
import { HAND_PAIRWISE_IGNORED, closedElection, tallyKernel } from './tally-test-kit.js';
import { castSealedBallot, countedRankings, testKeyStore } from '../../support/ballots.js';
import { padRanking, rankingCapacity, sealBallot } from '../../../shared/crypto/sealed-ballot.js';
import { insertRows } from '../../../shared/db/dialect.js';

const context = { jobId: 't', attempt: 1, maxAttempts: 3, logger: silentLogger };

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`tally worker on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let officerId: string;
    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = tallyKernel(t.db).repos;
      officerId = (await repos.users.upsertByLogin('officer1', 'Officer')).id;
    });
    afterAll(async () => { await t?.drop(); });

    /** A kernel whose worker runs the real processor (with optional hooks) on the in-process queue. */
    async function startWorker(hooks: Parameters<typeof tallyElectionProcessor>[1] = {}): Promise<Kernel> {
      const kernel = tallyKernel(t.db);
      kernel.processors.register('tally-election', tallyElectionProcessor(kernel, hooks));
      await kernel.queue.startWorkers(kernel.processors, ['tally']);
      return kernel;
    }

    async function doneRun(runId: string): Promise<TallyRun<TallyResult>> {
      const run = await waitFor(async () => {
        const found = await repos.tallyRuns.findById<TallyResult>(runId);
        return found?.status === 'done' || found?.status === 'failed' ? found : null;
      });
      return run!;
    }

    async function doneRunsOf(electionId: string): Promise<number> {
      const rows = await t.db('tally_runs').where({ election_id: electionId, status: 'done' });
      return rows.length;
    }

    it('refuses a request before the end date', async () => {
      const kernel = await startWorker();
      const e = await closedElection(repos, t.db, { endAt: new Date(Date.now() + 3_600_000) });
      const answer = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      expect(answer).toMatchObject({ ok: false, code: 'still-open' });
      expect(answer.ok ? '' : answer.message).toMatch(/still open until/);
      expect(await repos.tallyRuns.latestForElection(e.id)).toBeNull();
      await kernel.queue.close();
    });

    it('counts a closed election, stores the hand-computed result and concludes it', async () => {
      const kernel = await startWorker();
      const e = await closedElection(repos, t.db, { noWinners: 2 });
      const answer = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      if (!answer.ok) throw new Error(answer.message);
      expect(answer.run.status).toBe('queued');
      expect(answer.run.method).toBe('schulze-winning');
      const run = await doneRun(answer.run.id);
      expect(run.status).toBe('done');
      expect(run.requestedBy).toBe(officerId);
      expect(run.result).toMatchObject({
        method: 'schulze-winning', unranked: 'ignored', ballots: 11,
        ranking: [['bob'], ['carol'], ['alice']], winners: ['bob', 'carol'], condorcetWinner: null,
        pairwise: HAND_PAIRWISE_IGNORED,
      });
      expect(run.result!.strongest).toMatchObject({ alice: { bob: 5, carol: 5 }, bob: { alice: 6, carol: 8 }, carol: { alice: 6, bob: 5 } });
      const concluded = (await repos.elections.findById(e.id))!;
      expect(concluded.concludedAt).toBeInstanceOf(Date);
      // Links stay without delete_after, and so does the link key; the private key and the sealed
      // ballots are gone, the rankings kept under fresh ids.
      expect((await t.db('votes').where({ election_id: e.id }).whereNotNull('sealed_link')).length).toBe(11);
      const keys = (await repos.electionKeys.find(e.id))!;
      expect(keys.sealedPrivateKey).toBeNull();
      expect(keys.sealedLinkKey).not.toBeNull();
      expect(await t.db('sealed_ballots').where({ election_id: e.id })).toEqual([]);
      expect(await countedRankings(t.db, e.id)).toHaveLength(11);
      const pages = await t.db('counted_ballot_pages').where({ election_id: e.id });
      expect(pages.some((b: { id: string }) => b.id.startsWith(`tally---`))).toBe(false);
      // A second request returns the stored run instead of counting again.
      const again = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      expect(again).toMatchObject({ ok: true, created: false, run: { id: run.id, status: 'done' } });
      await kernel.queue.close();
    });

    it('ranks unranked candidates last when the election allows no "No opinion", and honours method:', async () => {
      const kernel = await startWorker();
      const last = await closedElection(repos, t.db, { allowNoOpinion: false, noWinners: 1 });
      const ranked = await closedElection(repos, t.db, { method: 'ranked-pairs', noWinners: 1 });
      const a = await requestTally(requestTallyPorts(kernel), last.id, officerId);
      const b = await requestTally(requestTallyPorts(kernel), ranked.id, officerId);
      if (!a.ok || !b.ok) throw new Error('refused');
      const lastRun = await doneRun(a.run.id);
      expect(lastRun.result).toMatchObject({ unranked: 'last', ranking: [['alice'], ['bob'], ['carol']], winners: ['alice'] });
      expect(lastRun.result!.pairwise).toMatchObject({ alice: { bob: 7, carol: 5 }, bob: { alice: 4, carol: 8 }, carol: { alice: 6, bob: 2 } });
      const rpRun = await doneRun(b.run.id);
      expect(rpRun.method).toBe('ranked-pairs-winning');
      // Ranked pairs locks B>C (8), then C>A (6), skips A>B (5, would close a cycle): B > C > A.
      expect(rpRun.result).toMatchObject({ method: 'ranked-pairs-winning', ranking: [['bob'], ['carol'], ['alice']] });
      await kernel.queue.close();
    });

    it('retries after a failed attempt and stores exactly one result', async () => {
      let faults = 0;
      const kernel = await startWorker({ beforeStore: () => { if (faults++ === 0) throw new Error('injected fault'); } });
      const e = await closedElection(repos, t.db, { deleteAfter: true });
      const answer = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      if (!answer.ok) throw new Error(answer.message);
      const run = await doneRun(answer.run.id);
      expect(faults).toBe(2);
      expect(run).toMatchObject({ status: 'done', attempts: 2, error: null });
      expect(run.result!.ranking).toEqual([['bob'], ['carol'], ['alice']]);
      expect(await doneRunsOf(e.id)).toBe(1);
      await kernel.queue.close();
    });

    it('rolls a failed attempt back completely: no result, links kept, not concluded', async () => {
      const kernel = tallyKernel(t.db);
      const e = await closedElection(repos, t.db, { deleteAfter: true });
      const answer = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      if (!answer.ok) throw new Error(answer.message);
      const failing = tallyElectionProcessor(kernel, { beforeStore: () => { throw new Error('disk full'); } });
      await expect(failing.process({ tallyRunId: answer.run.id }, context)).rejects.toThrow('disk full');
      expect((await repos.tallyRuns.findById(answer.run.id))!.status).toBe('running');
      expect((await repos.elections.findById(e.id))!.concludedAt).toBeNull();
      expect((await t.db('votes').where({ election_id: e.id }).whereNotNull('sealed_link')).length).toBe(11);
      await failing.onFinalFailure!({ tallyRunId: answer.run.id }, new Error('disk full'), context);
      expect(await repos.tallyRuns.findById(answer.run.id)).toMatchObject({ status: 'failed', error: 'disk full' });
      // A failed run does not block a new request.
      const retry = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      expect(retry).toMatchObject({ ok: true, created: true });
      await kernel.queue.close();
    });

    it('recovers a run a crash left running: the worker re-enqueues it at start, one result', async () => {
      const e = await closedElection(repos, t.db);
      const runId = await repos.tallyRuns.create(e.id, 'schulze-winning', officerId);
      await repos.tallyRuns.markRunning(runId); // the crashed attempt
      const kernel = tallyKernel(t.db);
      await tallyWorkerService.start(kernel);
      await kernel.queue.startWorkers(kernel.processors, ['tally']);
      const run = await doneRun(runId);
      expect(run).toMatchObject({ status: 'done', attempts: 2 });
      expect(run.result!.winners).toEqual(['bob', 'carol']);
      // A late duplicate delivery of the same job changes nothing.
      await tallyElectionProcessor(kernel).process({ tallyRunId: runId }, context);
      const after = (await repos.tallyRuns.findById(runId))!;
      expect(after.finishedAt).toEqual(run.finishedAt);
      expect(after.attempts).toBe(2);
      expect(await doneRunsOf(e.id)).toBe(1);
      await kernel.queue.close();
    });

    it('returns the queued run on a second request instead of queueing another', async () => {
      const kernel = tallyKernel(t.db); // no worker: the run stays queued
      const e = await closedElection(repos, t.db);
      const first = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      const second = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      if (!first.ok || !second.ok) throw new Error('refused');
      expect(second).toMatchObject({ created: false, run: { id: first.run.id, status: 'queued' } });
      expect((await t.db('tally_runs').where({ election_id: e.id })).length).toBe(1);
      expect((await kernel.queue.counts('tally')).waiting).toBe(1);
      await kernel.queue.close();
    });

    it('fails the new run with a clear message when the queue is unreachable', async () => {
      const kernel = tallyKernel(t.db);
      const e = await closedElection(repos, t.db);
      const ports = { ...requestTallyPorts(kernel), enqueue: () => Promise.reject(new Error('ECONNREFUSED')) };
      const answer = await requestTally(ports, e.id, officerId);
      expect(answer).toMatchObject({ ok: false, code: 'queue-unavailable' });
      expect(await repos.tallyRuns.latestForElection(e.id)).toMatchObject({ status: 'failed' });
    });

    it('fails the run at once, without retries, when voting was reopened after the request', async () => {
      const kernel = tallyKernel(t.db);
      const e = await closedElection(repos, t.db);
      const runId = await repos.tallyRuns.create(e.id, 'schulze-winning', officerId);
      await t.db('elections').where({ id: e.id }).update({ end_at: new Date(Date.now() + 3_600_000) });
      await tallyElectionProcessor(kernel).process({ tallyRunId: runId }, context);
      expect((await repos.tallyRuns.findById(runId))!.error).toMatch(/voting is open again/);
      expect((await repos.elections.findById(e.id))!.concludedAt).toBeNull();
    });

    it('fails the run at once, with the engine\'s message, when a ballot names an unknown candidate', async () => {
      const kernel = tallyKernel(t.db);
      const e = await closedElection(repos, t.db);
      // castVote refuses such a ballot, so this is data damaged outside Urna, written directly.
      const { publicKey } = await testKeyStore(repos).forSealing(e.id);
      await t.db('sealed_ballots').insert({ id: `ghost-${e.id}`, election_id: e.id, sealed: sealBallot(publicKey, e.id, padRanking(JSON.stringify([['zed']]), 64)) });
      const runId = await repos.tallyRuns.create(e.id, 'schulze-winning', officerId);
      await tallyElectionProcessor(kernel).process({ tallyRunId: runId }, context);
      expect(await repos.tallyRuns.findById(runId)).toMatchObject({ status: 'failed', attempts: 1 });
      expect((await repos.tallyRuns.findById(runId))!.error).toMatch(/unknown candidate 'zed'/);
      expect((await repos.elections.findById(e.id))!.concludedAt).toBeNull();
    });

    it('fails the run at once, saying so, when a sealed ballot does not open, and keeps every ballot', async () => {
      const kernel = tallyKernel(t.db);
      const e = await closedElection(repos, t.db);
      const [victim] = await t.db('sealed_ballots').where({ election_id: e.id }).select('id', 'sealed');
      const damaged = Buffer.from(victim.sealed);
      damaged[damaged.length - 1]! ^= 1;
      await t.db('sealed_ballots').where({ id: victim.id }).update({ sealed: damaged });
      const runId = await repos.tallyRuns.create(e.id, 'schulze-winning', officerId);
      await tallyElectionProcessor(kernel).process({ tallyRunId: runId }, context);
      expect(await repos.tallyRuns.findById(runId)).toMatchObject({ status: 'failed', attempts: 1 });
      expect((await repos.tallyRuns.findById(runId))!.error).toMatch(/does not open/);
      expect(await t.db('sealed_ballots').where({ election_id: e.id })).toHaveLength(11);
      expect((await repos.electionKeys.find(e.id))!.sealedPrivateKey).not.toBeNull();
    });

    it('opens a large election on worker threads and counts it exactly', async () => {
      const kernel = tallyKernel(t.db);
      const e = await closedElection(repos, t.db);
      // 11 hand ballots, plus 2,600 more written straight to the table (a page of >= 2,000 goes to the threads).
      const { publicKey } = await testKeyStore(repos).forSealing(e.id);
      const extra = Array.from({ length: 2_600 }, (_, i) => ({
        id: `bulk-${i}-${e.id}`.slice(0, 32), election_id: e.id,
        sealed: sealBallot(publicKey, e.id, padRanking(i % 2 ? '[["alice"],["carol"],["bob"]]' : '[["carol","bob"],["alice"]]', rankingCapacity(['alice', 'bob', 'carol']))),
      }));
      await insertRows(t.db, 'sealed_ballots', extra);
      const runId = await repos.tallyRuns.create(e.id, 'schulze-winning', officerId);
      await tallyElectionProcessor(kernel).process({ tallyRunId: runId }, context);
      const run = (await repos.tallyRuns.findById<TallyResult>(runId))!;
      expect(run.status).toBe('done');
      expect(run.result!.ballots).toBe(2_611);
      // alice > carol: hand 5 + 1,300 bulk; carol > alice: hand 3 + 2 + 1 + 1,300 bulk.
      expect(run.result!.pairwise.alice!.carol).toBe(5 + 1_300);
      expect(run.result!.pairwise.carol!.alice).toBe(6 + 1_300);
      expect(await t.db('sealed_ballots').where({ election_id: e.id })).toEqual([]);
      expect(await repos.votes.countBallots(e.id)).toBe(2_611);
    });

    it('with delete_after, removes the links and keeps every ballot and vote row', async () => {
      const kernel = await startWorker();
      const e = await closedElection(repos, t.db, { deleteAfter: true });
      const answer = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      if (!answer.ok) throw new Error(answer.message);
      await doneRun(answer.run.id);
      expect(await repos.votes.countVotes(e.id)).toBe(11);
      expect(await repos.votes.countBallots(e.id)).toBe(11);
      const rows = await t.db('votes').where({ election_id: e.id });
      expect(rows.every((r) => r.sealed_link === null)).toBe(true);
      expect(await repos.electionKeys.find(e.id)).toMatchObject({ sealedPrivateKey: null, sealedLinkKey: null });
      await kernel.queue.close();
    });

    it('refuses votes and revokes once concluded, even when the end date moves later', async () => {
      const kernel = await startWorker();
      const e = await closedElection(repos, t.db);
      const answer = await requestTally(requestTallyPorts(kernel), e.id, officerId);
      if (!answer.ok) throw new Error(answer.message);
      await doneRun(answer.run.id);
      // Officers extend the end date in git; sync writes it.
      await t.db('elections').where({ id: e.id }).update({ end_at: new Date(Date.now() + 86_400_000) });
      const reopened = (await repos.elections.findById(e.id))!;
      expect(electionStatus(reopened, new Date())).toBe('closed');
      const late = await repos.users.upsertByLogin(`late-${e.id}`, null);
      await expect(castSealedBallot(repos, { electionId: e.id, userId: late.id, ballotId: `late-${e.id}`, ranking: [['alice']] }))
        .rejects.toBeInstanceOf(ElectionConcludedError);
      const voter = await repos.users.findByLogin(`${e.key}-voter1`);
      await expect(repos.votes.revoke(e.id, voter!.id, `${e.key}-b1`)).rejects.toBeInstanceOf(ElectionConcludedError);
      expect(await repos.votes.countBallots(e.id)).toBe(11);
      await kernel.queue.close();
    });
    it('makes a vote that races the tally wait for the conclusion, then refuses it', async () => {
      const e = await closedElection(repos, t.db);
      const voter = await repos.users.upsertByLogin(`racer-${e.id}`, null);
      let settled = false;
      let outcome: Promise<unknown> = Promise.resolve();
      await t.db.transaction(async (trx) => {
        await createRepositories(trx).elections.lockForUpdate(e.id); // what the tally holds while it counts
        outcome = castSealedBallot(repos, { electionId: e.id, userId: voter.id, ballotId: `racer-${e.id}`, ranking: [['bob']] })
          .then(() => 'cast', (err: unknown) => err)
          .finally(() => { settled = true; });
        await sleep(300);
        expect(settled).toBe(false);
        await createRepositories(trx).elections.markConcluded(e.id, new Date());
      });
      expect(await outcome).toBeInstanceOf(ElectionConcludedError);
      expect(await repos.votes.countBallots(e.id)).toBe(11);
    });
  });
}
