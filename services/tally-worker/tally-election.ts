import type { Knex } from 'knex';
import { createRepositories } from '../../shared/db/repositories/index.js';
import { BallotKeyError, type BallotKeyring } from '../../shared/crypto/ballot-keyring.js';
import { SealedBallotError } from '../../shared/crypto/sealed-ballot.js';
import type { ElectionKeysRepository } from '../../shared/db/repositories/election-keys.repository.js';
import type { ElectionsRepository } from '../../shared/db/repositories/elections.repository.js';
import type { TallyRunsRepository } from '../../shared/db/repositories/tally-runs.repository.js';
import type { VotesRepository } from '../../shared/db/repositories/votes.repository.js';
import { createTallyAccumulator, tallySummary, TallyInputError, type TallyResult, type UnrankedRule } from '../../shared/domain/condorcet/index.js';
import { electionStatus } from '../../shared/domain/election/election.js';
import { unrankedRuleFor } from '../../shared/domain/election/tally-rules.js';
import type { Logger } from '../../shared/logging/logger.js';
import { openBallots } from './ballot-opening.js';

/** The repositories a tally uses inside its transaction. */
export interface TallyTransactionRepos {
  elections: Pick<ElectionsRepository, 'lockForUpdate' | 'listCandidates' | 'markConcluded'>;
  votes: Pick<VotesRepository, 'streamSealedBallots' | 'replaceSealedByCounted' | 'deleteLinks'>;
  electionKeys: Pick<ElectionKeysRepository, 'find' | 'destroy'>;
  tallyRuns: Pick<TallyRunsRepository, 'findById' | 'complete'>;
}

export interface TallyElectionPorts {
  tallyRuns: Pick<TallyRunsRepository, 'findById' | 'markRunning' | 'fail'>;
  /** Runs `work` in one database transaction, with repositories bound to it. */
  transaction<T>(work: (tx: TallyTransactionRepos) => Promise<T>): Promise<T>;
  /** Opens the election's private key; only a process holding the master key has one. */
  keyring: BallotKeyring;
  now(): Date;
  logger: Logger;
  /** Fault injection for tests: runs inside the transaction after the count, before anything is stored. */
  beforeStore?(runId: string): void | Promise<void>;
}

export type TallyOutcome = 'done' | 'already-finished' | 'missing' | 'failed';

/** A run that must not be counted now; retrying would not help, so the run fails at once. */
class TallyRefused extends Error {}

/** A knex transaction as the narrow port, with every repository bound to it. */
export function transactionPort(db: Knex) {
  return <T>(work: (tx: ReturnType<typeof createRepositories>) => Promise<T>): Promise<T> =>
    db.transaction((trx) => work(createRepositories(trx)));
}

/** The pure part: ballots (as JSON texts, in any order) → the result. */
export function countRankingTexts(
  candidates: readonly string[],
  unranked: UnrankedRule,
  texts: Iterable<string>,
  options: { method: string; winners: number },
): TallyResult {
  const accumulator = createTallyAccumulator(candidates, unranked);
  for (const text of texts) accumulator.addJson(text);
  return tallySummary(accumulator.finish(), options);
}

/** An election without keys can hold no sealed ballot; one that does is damaged, and is not counted as empty. */
async function noBallots(pages: AsyncIterable<readonly Buffer[]>): Promise<string[]> {
  for await (const page of pages) {
    if (page.length > 0) throw new SealedBallotError('the election holds sealed ballots but no private key to open them');
  }
  return [];
}

/** Asks for the next page before the caller works on this one, so the database and the count overlap. */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const pages = source[Symbol.asyncIterator]();
  let next = pages.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      next = pages.next();
      next.catch(() => undefined); // a failure is seen at the next await, not as an unhandled rejection
      yield page.value;
    }
  } finally {
    await pages.return?.();
  }
}

/**
 * Counts one tally run and, in the same transaction, stores its result, deletes the
 * voter-to-ballot links when `delete_after` is set, and concludes the election. Safe to repeat:
 * a finished run is left alone, and a retried or recovered run counts the same ballots the same way.
 */
export async function tallyElection(ports: TallyElectionPorts, runId: string): Promise<TallyOutcome> {
  const log = ports.logger.child({ tallyRunId: runId });
  const run = await ports.tallyRuns.findById(runId);
  if (!run) {
    log.warn('tally run not found (its election was deleted?); nothing to do');
    return 'missing';
  }
  if (run.status === 'done' || run.status === 'failed') return 'already-finished';
  await ports.tallyRuns.markRunning(runId, ports.now());
  const started = Date.now();
  let counted = { ballots: 0, unlinked: 0, openMs: 0, countMs: 0, storeMs: 0 };
  try {
    const outcome = await ports.transaction(async (tx) => {
      // The lock makes concurrent attempts of this run, and votes, wait for this transaction.
      const election = await tx.elections.lockForUpdate(run.electionId);
      if (!election) throw new TallyRefused('the election no longer exists');
      const current = await tx.tallyRuns.findById(runId);
      if (!current || current.status === 'done') return 'already-finished' as const;
      const now = ports.now();
      if (electionStatus(election, now) !== 'closed') {
        throw new TallyRefused(`voting is open again (it now ends ${election.endAt.toISOString()}); request the results after the close`);
      }
      // Open every sealed ballot in memory. What is stored afterwards are the rankings, in a
      // fresh random order under fresh ids; the sealed ballots and the private key are destroyed,
      // and with delete_after the link key too, so no copy of a link opens any more (SECURITY.md).
      const candidates = (await tx.elections.listCandidates(election.id)).map((c) => c.key);
      const stored = await tx.electionKeys.find(election.id);
      const pages = tx.votes.streamSealedBallots(election.id);
      const opening = Date.now();
      const texts = stored?.sealedPrivateKey
        ? await openBallots(ports.keyring.openingKey(stored), election.id, readAhead(pages))
        : await noBallots(pages);
      const counting = Date.now();
      const result = countRankingTexts(candidates, unrankedRuleFor(election), texts, { method: run.method, winners: election.noWinners });
      const storing = Date.now();
      await ports.beforeStore?.(runId);
      if (!(await tx.tallyRuns.complete(runId, result, now))) return 'already-finished' as const;
      await tx.votes.replaceSealedByCounted(election.id, texts);
      await tx.electionKeys.destroy(election.id, { linkKey: election.deleteAfter });
      const unlinked = election.deleteAfter ? await tx.votes.deleteLinks(election.id) : 0;
      await tx.elections.markConcluded(election.id, now);
      // Where a slow count spent its time, for operators and the benchmark.
      counted = { ballots: result.ballots, unlinked, openMs: counting - opening, countMs: storing - counting, storeMs: Date.now() - storing };
      return 'done' as const;
    });
    if (outcome === 'done') log.info({ method: run.method, ...counted, ms: Date.now() - started }, 'tally done');
    return outcome;
  } catch (err) {
    if (!(err instanceof TallyRefused || err instanceof TallyInputError || err instanceof SealedBallotError || err instanceof BallotKeyError)) throw err;
    // Bad data, a key that does not open, or an open election: the same input would fail the same way on every retry.
    log.warn({ err }, 'tally failed');
    await ports.tallyRuns.fail(runId, err.message, ports.now());
    return 'failed';
  }
}
