import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../../services/cli/command-io.js';
import { tallyCommand } from '../../../services/cli/tally.command.js';
import { exportElectionBallots } from '../../../services/tally-worker/export-ballots.js';
import { requestTally, requestTallyPorts } from '../../../services/tally-worker/request-tally.js';
import { tallyElectionProcessor } from '../../../services/tally-worker/tally-election.processor.js';
import { migrateLatest } from '../../../shared/db/migrate.js';
import type { Repositories } from '../../../shared/db/repositories/index.js';
import type { TallyResult } from '../../../shared/domain/condorcet/index.js';
import type { Election } from '../../../shared/domain/election/election.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/databases.js';
import { silentLogger } from '../../support/silent-logger.js';
import { closedElection, tallyKernel } from './tally-test-kit.js';

// `urna tally` on an officer's download reproduces the stored result: same ranking, winners and
// pairwise matrix, for both formats and both unranked rules.

const dir = mkdtempSync(join(tmpdir(), 'urna-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const target of databaseTargets()) {
  describe.skipIf(!target.available)(`ballot exports on ${target.kind}`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    beforeAll(async () => {
      t = await createTestDatabase(target.kind);
      await migrateLatest(t.db);
      repos = tallyKernel(t.db).repos;
    });
    afterAll(async () => { await t?.drop(); });

    const ports = () => ({ elections: repos.elections, votes: repos.votes });

    async function tallied(election: Election): Promise<TallyResult> {
      const kernel = tallyKernel(t.db);
      const answer = await requestTally(requestTallyPorts(kernel), election.id, null);
      if (!answer.ok) throw new Error(answer.message);
      await tallyElectionProcessor(kernel).process({ tallyRunId: answer.run.id }, { jobId: 'x', attempt: 1, maxAttempts: 3, logger: silentLogger });
      return (await repos.tallyRuns.findById<TallyResult>(answer.run.id))!.result!;
    }

    async function urnaTally(fileName: string, body: string, args: string[]): Promise<TallyResult> {
      const file = join(dir, `${target.kind}-${fileName}`);
      writeFileSync(file, body);
      const io = bufferIO();
      expect(await tallyCommand([file, '--json', ...args], io), io.stderr.join('\n')).toBe(0);
      return JSON.parse(io.stdout.join('')) as TallyResult;
    }

    for (const allowNoOpinion of [true, false]) {
      it(`round-trips CSV and BLT (allow_no_opinion: ${allowNoOpinion})`, async () => {
        const election = await closedElection(repos, t.db, { allowNoOpinion, noWinners: 2, method: 'schulze-margin' });
        const stored = await tallied(election);
        const counted = (await repos.elections.findById(election.id))!;
        for (const format of ['csv', 'blt'] as const) {
          const file = (await exportElectionBallots(ports(), counted, format))!;
          expect(file.fileName).toBe(`${election.key.replace(/[^A-Za-z0-9_.-]+/g, '-')}-ballots.${format}`);
          // CSV has no seat count; BLT carries it.
          const extra = format === 'csv' ? ['--winners', '2'] : [];
          const again = await urnaTally(file.fileName, file.body, ['--method', stored.method, ...extra]);
          expect(again.ballots).toBe(stored.ballots);
          expect(again.ranking).toEqual(stored.ranking);
          expect(again.winners).toEqual(stored.winners);
          expect(again.pairwise).toEqual(stored.pairwise);
          expect(again.strongest).toEqual(stored.strongest);
        }
      });
    }

    it('refuses to export while voting is open, and after the close until the count (ballots are sealed)', async () => {
      const open = await closedElection(repos, t.db, { endAt: new Date(Date.now() + 3_600_000) });
      expect(await exportElectionBallots(ports(), open, 'csv')).toBeNull();
      const closed = await closedElection(repos, t.db);
      expect(await exportElectionBallots(ports(), closed, 'csv')).toBeNull();
    });

    it('writes CSV rows in a fresh random order on each download, never id order', async () => {
      const closed = await closedElection(repos, t.db);
      await tallied(closed);
      const election = (await repos.elections.findById(closed.id))!;
      const orders = new Set<string>();
      for (let k = 0; k < 6; k++) {
        const body = (await exportElectionBallots(ports(), election, 'csv'))!.body;
        orders.add(body.split('\n').slice(1).join('|'));
      }
      // 11 ballots in 4 distinct rankings: 27,720 distinguishable orders; 6 draws all alike by chance is ~1e-22.
      expect(orders.size).toBeGreaterThan(1);
    });
  });
}
