import type { Knex } from 'knex';
import { AttemptCountersRepository } from './attempt-counters.repository.js';
import { ElectionKeysRepository } from './election-keys.repository.js';
import { ElectionsRepository } from './elections.repository.js';
import { ExceptionRequestsRepository } from './exception-requests.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { SyncRunsRepository } from './sync-runs.repository.js';
import { TallyRunsRepository } from './tally-runs.repository.js';
import { UsersRepository } from './users.repository.js';
import { VotesRepository } from './votes.repository.js';

/** Every repository over one knex pool. Repositories are the only code that touches the database. */
export function createRepositories(db: Knex) {
  return {
    db,
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    elections: new ElectionsRepository(db),
    electionKeys: new ElectionKeysRepository(db),
    votes: new VotesRepository(db),
    exceptionRequests: new ExceptionRequestsRepository(db),
    syncRuns: new SyncRunsRepository(db),
    tallyRuns: new TallyRunsRepository(db),
    attemptCounters: new AttemptCountersRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
