import type { Knex } from 'knex';
import { createRepositories, type Repositories } from '../../../shared/db/repositories/index.js';
import type { ElectionVersion } from '../../../shared/db/repositories/elections.repository.js';
import type { Election } from '../../../shared/domain/election/election.js';
import type { Kernel } from '../../../shared/kernel/kernel.js';
import { InProcessQueue } from '../../../shared/queue/in-process-queue.js';
import { urnaJobs } from '../../../shared/queue/job-definitions.js';
import { ProcessorRegistry } from '../../../shared/queue/processor.js';
import { electionVersion } from '../../support/election-fixtures.js';
import { silentLogger } from '../../support/silent-logger.js';
import { castSealedBallot, testKeyStore } from '../../support/ballots.js';

// Shared by the tally worker and export suites: a kernel with the in-process queue (retries after
// milliseconds instead of seconds), and the hand-computed election below.

export const fastJobs = {
  ...urnaJobs,
  'tally-election': { ...urnaJobs['tally-election'], backoffMs: 5 },
};

export function tallyKernel(db: Knex): Kernel {
  const queue = new InProcessQueue(fastJobs, silentLogger);
  const repos = createRepositories(db);
  return {
    db,
    repos,
    ballotKeys: testKeyStore(repos),
    queue,
    processors: new ProcessorRegistry(fastJobs),
    now: () => new Date(),
    logger: silentLogger,
  } as unknown as Kernel;
}

/**
 * 11 ballots over alice (A), bob (B), carol (C):
 *   5 × A > B > C,  3 × B > C > A,  2 × C > A (B unranked),  1 × B = C > A.
 * Unranked ignored: A>B 5:4, C>A 6:5, B>C 8:0, a cycle. Strongest paths: A→B 5, A→C 5, B→A 6,
 * B→C 8, C→A 6, C→B 5, so B > C > A; with 2 seats the winners are bob and carol.
 * Unranked last (B below C and A on the 2 partial ballots): A>B 7:4, C>A 6:5, B>C 8:2; paths
 * A→B 7, A→C 7, B→A 6, B→C 8, C→A 6, C→B 6, so A > B > C.
 */
export const HAND_BALLOTS: Array<[number, string[][]]> = [
  [5, [['alice'], ['bob'], ['carol']]],
  [3, [['bob'], ['carol'], ['alice']]],
  [2, [['carol'], ['alice']]],
  [1, [['bob', 'carol'], ['alice']]],
];

export const HAND_PAIRWISE_IGNORED = {
  alice: { bob: 5, carol: 5 },
  bob: { alice: 4, carol: 8 },
  carol: { alice: 6, bob: 0 },
};

let serial = 0;

/** A closed election (ended an hour ago) with the hand-computed ballots, voters with links. */
export async function closedElection(repos: Repositories, db: Knex, overrides: Partial<ElectionVersion> = {}): Promise<Election> {
  serial += 1;
  const key = `tally---${serial}-${Math.random().toString(36).slice(2, 8)}`;
  const hour = 3_600_000;
  const v = electionVersion({
    key, path: key.replace('---', '/'),
    startAt: new Date(Date.now() - 48 * hour), endAt: new Date(Date.now() - hour), exceptionDueAt: new Date(Date.now() - 48 * hour),
    ...overrides,
  });
  const election = await db.transaction((trx) => repos.elections.saveVersion(trx, v));
  await castHandBallots(repos, election, key);
  return election;
}

export async function castHandBallots(repos: Repositories, election: Election, prefix: string): Promise<void> {
  let n = 0;
  for (const [count, ranking] of HAND_BALLOTS) {
    for (let k = 0; k < count; k++) {
      n += 1;
      const user = await repos.users.upsertByLogin(`${prefix}-voter${n}`, null);
      // A stand-in link: these tests check that links are kept or removed, not that they open.
      await castSealedBallot(repos, { electionId: election.id, userId: user.id, ballotId: `${prefix}-b${n}`, ranking, link: Buffer.alloc(60, n) });
    }
  }
}
