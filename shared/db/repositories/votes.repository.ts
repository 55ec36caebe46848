import type { Knex } from 'knex';
import { insertCountedBallots, unpackCountedBallots } from '../counted-ballot-pages.js';
import { isUniqueViolation, prepared, toCount, withRowLock } from '../dialect.js';
import { newId } from '../ids.js';

export type Ranking = string[][];

export interface VoteRecord {
  id: string;
  electionId: string;
  userId: string;
  /** The voter's sealed link to the ballot (shared/crypto/ballot-link.ts); null without a passphrase, or after `delete_after`. */
  link: Buffer | null;
}

export class AlreadyVotedError extends Error {
  constructor() {
    super('You have already voted in this election.');
  }
}

/** The election's result is computed and stored: its ballots are final, whatever its dates say now. */
export class ElectionConcludedError extends Error {
  constructor() {
    super('This election is concluded: its result is computed, so ballots can no longer be cast or revoked.');
  }
}

/** The ballot names a candidate the election no longer has (sync changed the list while the voter ranked). */
export class CandidatesChangedError extends Error {
  constructor() {
    super('The list of candidates changed while you were voting. Please review your ballot and submit it again.');
  }
}

/**
 * Refuses a change to a concluded election and, given the candidates a ballot names, a ballot
 * naming one the election no longer has; one statement, under a shared lock on the election row.
 * A tally in progress holds that row for update from its count to its conclusion, so a vote
 * either lands before the count or sees the conclusion: it is never silently left out of the
 * result. Sync takes the row for update before it changes a candidate list, so the candidate
 * check and that change cannot interleave either.
 */
async function assertElectionTakes(trx: Knex.Transaction, electionId: string, named: readonly string[] | null): Promise<void> {
  const keys = [...new Set(named ?? [])];
  const query = trx('elections').where({ id: electionId }).select('concluded_at');
  if (named) query.select(trx('candidates').where({ election_id: electionId }).whereIn('candidate_key', keys).count('*').as('known'));
  const row = await withRowLock(trx, query, 'share').first();
  if (row && row.concluded_at !== null && row.concluded_at !== undefined) throw new ElectionConcludedError();
  if (named && toCount(row?.known) !== keys.length) throw new CandidatesChangedError();
}

/**
 * Votes and ballots. Before the count a ballot exists only sealed (`sealed_ballots`); the count
 * replaces an election's sealed ballots by their opened rankings (`counted_ballot_pages`), stored in
 * a random order under fresh ids, so nothing pairs the two.
 */
export class VotesRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Writes the vote row and the sealed ballot in one transaction, and nothing else. The unique
   * (election, user) key makes a second ballot impossible even when two submissions race.
   * `named`: the candidates the ballot ranks, checked against the election's under its lock.
   */
  async castVote(input: { electionId: string; userId: string; ballotId: string; sealedBallot: Buffer; named: readonly string[]; link: Buffer | null }): Promise<void> {
    try {
      await this.db.transaction(async (trx) => {
        await assertElectionTakes(trx, input.electionId, input.named);
        await prepared(trx, 'insert_vote', trx('votes').insert({ id: newId(), election_id: input.electionId, user_id: input.userId, sealed_link: input.link }));
        await prepared(trx, 'insert_ballot', trx('sealed_ballots').insert({ id: input.ballotId, election_id: input.electionId, sealed: input.sealedBallot }));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyVotedError();
      throw err;
    }
  }

  async findVote(electionId: string, userId: string): Promise<VoteRecord | null> {
    const row = await prepared(this.db, 'find_vote', this.db('votes').where({ election_id: electionId, user_id: userId }).first('id', 'election_id', 'user_id', 'sealed_link'));
    if (!row) return null;
    return { id: String(row.id), electionId: String(row.election_id), userId: String(row.user_id), link: row.sealed_link ? Buffer.from(row.sealed_link) : null };
  }

  async votedElectionIds(userId: string): Promise<Set<string>> {
    const rows = await this.db('votes').where({ user_id: userId }).select('election_id');
    return new Set(rows.map((r: { election_id: string }) => r.election_id));
  }

  async countVotes(electionId: string): Promise<number> {
    const row = await this.db('votes').where({ election_id: electionId }).count({ n: '*' }).first();
    return toCount(row?.n);
  }

  /** Ballots in the box: sealed before the count, counted after it. */
  async countBallots(electionId: string): Promise<number> {
    const [sealed, counted] = await Promise.all([
      this.db('sealed_ballots').where({ election_id: electionId }).count({ n: '*' }).first(),
      this.db('counted_ballot_pages').where({ election_id: electionId }).sum({ n: 'ballots' }).first(),
    ]);
    return toCount(sealed?.n) + toCount(counted?.n);
  }

  /** Deletes the sealed ballot and the vote row together, so the voter may vote again. */
  async revoke(electionId: string, userId: string, ballotId: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      await assertElectionTakes(trx, electionId, null);
      const ballots = await trx('sealed_ballots').where({ election_id: electionId, id: ballotId }).delete();
      const votes = await trx('votes').where({ election_id: electionId, user_id: userId }).delete();
      if (ballots !== 1 || votes !== 1) throw new Error('revoke found no matching ballot and vote; nothing was changed');
    });
  }

  /** Streams an election's sealed ballots in pages (random id order), so memory stays flat. */
  async *streamSealedBallots(electionId: string, pageSize = 10_000): AsyncGenerator<Buffer[]> {
    let after = '';
    for (;;) {
      const rows: Array<{ id: string; sealed: Uint8Array }> = await this.db('sealed_ballots')
        .where({ election_id: electionId }).andWhere('id', '>', after).orderBy('id').limit(pageSize).select('id', 'sealed');
      if (rows.length === 0) return;
      yield rows.map((r) => Buffer.from(r.sealed));
      after = rows[rows.length - 1]!.id;
      if (rows.length < pageSize) return;
    }
  }

  /**
   * The count's last step on the ballots: stores the opened rankings (JSON texts) in a random
   * order, in pages under fresh random ids, and deletes the sealed ballots. In the caller's transaction.
   */
  async replaceSealedByCounted(electionId: string, rankingTexts: readonly string[]): Promise<void> {
    await insertCountedBallots(this.db, electionId, rankingTexts);
    await this.db('sealed_ballots').where({ election_id: electionId }).delete();
  }

  /** Streams a counted election's rankings as their JSON texts, a stored page at a time, in the order stored. */
  async *streamRankingTexts(electionId: string, pagesPerRead = 10): AsyncGenerator<string[]> {
    let after = '';
    for (;;) {
      const rows: Array<{ id: string; rankings: string }> = await this.db('counted_ballot_pages')
        .where({ election_id: electionId }).andWhere('id', '>', after).orderBy('id').limit(pagesPerRead).select('id', 'rankings');
      for (const row of rows) yield unpackCountedBallots(row.rankings);
      if (rows.length < pagesPerRead) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /** `delete_after`: remove every voter-to-ballot link of an election. The ballots and vote rows stay. */
  async deleteLinks(electionId: string): Promise<number> {
    return this.db('votes').where({ election_id: electionId }).whereNotNull('sealed_link').update({ sealed_link: null });
  }
}
