import type { Knex } from 'knex';
import { randomInt } from 'node:crypto';
import { dialectOf, isRetryableConflict, isUniqueViolation, prepared, rewriteAllInRandomOrder, rewriteRows, toCount, toJson, withRowLock } from '../dialect.js';
import { newId } from '../ids.js';

export type Ranking = string[][];

/** The sealed pointer from a vote row to its ballot; present only when the voter set a passphrase. */
export interface BallotLink {
  kdf: { alg: 'argon2id'; memoryKiB: number; passes: number; parallelism: number };
  salt: Buffer;
  sealedBallot: Buffer;
}

export interface VoteRecord {
  id: string;
  electionId: string;
  userId: string;
  link: BallotLink | null;
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
 * Refuses a change to a concluded election and, given a ranking, a ballot naming a candidate the
 * election no longer has; one statement, under a shared lock on the election row. A tally in
 * progress holds that row for update from its count to its conclusion, so a vote either lands
 * before the count or sees the conclusion: it is never silently left out of the result. Sync
 * takes the row for update before it changes a candidate list, so the candidate check and that
 * change cannot interleave either.
 */
async function assertElectionTakes(trx: Knex.Transaction, electionId: string, ranking: Ranking | null): Promise<void> {
  const keys = [...new Set(ranking?.flat() ?? [])];
  const query = trx('elections').where({ id: electionId }).select('concluded_at');
  if (ranking) query.select(trx('candidates').where({ election_id: electionId }).whereIn('candidate_key', keys).count('*').as('known'));
  const row = await withRowLock(trx, query, 'share').first();
  if (row && row.concluded_at !== null && row.concluded_at !== undefined) throw new ElectionConcludedError();
  if (ranking && toCount(row?.known) !== keys.length) throw new CandidatesChangedError();
}

export class VotesRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Writes the vote row and the ballot in one transaction. The unique (election, user) key makes
   * a second ballot impossible even when two submissions race.
   */
  async castVote(input: { electionId: string; userId: string; ballotId: string; ranking: Ranking; link: BallotLink | null }): Promise<void> {
    try {
      await this.db.transaction(async (trx) => {
        await assertElectionTakes(trx, input.electionId, input.ranking);
        await prepared(trx, 'insert_vote', trx('votes').insert({
          id: newId(),
          election_id: input.electionId,
          user_id: input.userId,
          kdf: input.link ? JSON.stringify(input.link.kdf) : null,
          salt: input.link?.salt ?? null,
          sealed_ballot: input.link?.sealedBallot ?? null,
        }));
        await prepared(trx, 'insert_ballot', trx('ballots').insert({ id: input.ballotId, election_id: input.electionId, ranking: JSON.stringify(input.ranking) }));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyVotedError();
      throw err;
    }
  }

  async findVote(electionId: string, userId: string): Promise<VoteRecord | null> {
    const row = await prepared(this.db, 'find_vote', this.db('votes').where({ election_id: electionId, user_id: userId }).first('id', 'election_id', 'user_id', 'kdf', 'salt', 'sealed_ballot'));
    if (!row) return null;
    const link: BallotLink | null = row.sealed_ballot
      ? { kdf: toJson(row.kdf, null as never), salt: Buffer.from(row.salt), sealedBallot: Buffer.from(row.sealed_ballot) }
      : null;
    return { id: String(row.id), electionId: String(row.election_id), userId: String(row.user_id), link };
  }

  async votedElectionIds(userId: string): Promise<Set<string>> {
    const rows = await this.db('votes').where({ user_id: userId }).select('election_id');
    return new Set(rows.map((r: { election_id: string }) => r.election_id));
  }

  async countVotes(electionId: string): Promise<number> {
    const row = await this.db('votes').where({ election_id: electionId }).count({ n: '*' }).first();
    return toCount(row?.n);
  }

  async countBallots(electionId: string): Promise<number> {
    const row = await this.db('ballots').where({ election_id: electionId }).count({ n: '*' }).first();
    return toCount(row?.n);
  }

  async findBallot(electionId: string, ballotId: string): Promise<Ranking | null> {
    const row = await this.db('ballots').where({ election_id: electionId, id: ballotId }).first();
    return row ? toJson<Ranking>(row.ranking, []) : null;
  }

  /** Deletes the ballot and the vote row together, so the voter may vote again. */
  async revoke(electionId: string, userId: string, ballotId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const done = await this.db.transaction(async (trx) => {
        await assertElectionTakes(trx, electionId, null);
        const ballots = await trx('ballots').where({ election_id: electionId, id: ballotId }).delete();
        // A mix (mixBallots) that rewrote this ballot while we waited for its lock leaves nothing
        // for this statement to delete on PostgreSQL; the next attempt sees the rewritten row.
        if (ballots === 0 && attempt < 3) return false;
        const votes = await trx('votes').where({ election_id: electionId, user_id: userId }).delete();
        if (ballots !== 1 || votes !== 1) {
          throw new Error('revoke found no matching ballot and vote; nothing was changed');
        }
        return true;
      });
      if (done) return true;
    }
  }

  /**
   * Streams an election's rankings as their stored JSON texts, in pages ordered by the random
   * ballot id, so memory stays flat however many ballots there are. Unparsed: the tally
   * accumulator groups identical texts before parsing, much faster than parsing every ballot here.
   */
  async *streamRankingTexts(electionId: string, pageSize = 10_000): AsyncGenerator<string[]> {
    let after = '';
    for (;;) {
      const rows: Array<{ id: string; ranking: string }> = await this.db('ballots')
        .where({ election_id: electionId })
        .andWhere('id', '>', after)
        .orderBy('id')
        .limit(pageSize)
        .select('id', 'ranking');
      if (rows.length === 0) return;
      yield rows.map((r) => r.ranking);
      after = rows[rows.length - 1].id;
      if (rows.length < pageSize) return;
    }
  }

  /**
   * Hides new ballots among others of their election. Cast in the same transaction as its vote
   * row, a ballot shares that transaction's id (PostgreSQL's xmin, InnoDB's DB_TRX_ID) and, on
   * PostgreSQL, sits at the end of the heap, where a database administrator could pair the two.
   * Called after the votes (see services/web/voting/ballot-mixer.ts), in a transaction of its
   * own, this rewrites the new ballots together with `othersPerBallot` others per new ballot,
   * chosen at random, in random order. Their ids do not change (a voter's sealed link points at
   * the id). The sample grows with the batch: every vote moves as many old ballots as when each
   * was mixed on its own, so heap order drifts as far from voting order. A conflict is retried,
   * then given up. Returns the number of ballots rewritten.
   */
  async mixBallots(electionId: string, ballotIds: readonly string[], othersPerBallot = 32): Promise<number> {
    if (ballotIds.length === 0 || dialectOf(this.db) === 'sqlite') return 0; // see rewriteRows: nothing to hide there
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (trx) => {
          // Ids are random, so the ballots after a random point in id order are a random sample.
          const start = newId();
          const sampleSize = othersPerBallot * ballotIds.length;
          const others = () => trx('ballots').where({ election_id: electionId }).whereNotIn('id', ballotIds);
          const after: string[] = await others().andWhere('id', '>', start).orderBy('id').limit(sampleSize).pluck('id');
          const before: string[] = after.length < sampleSize
            ? await others().andWhere('id', '<=', start).orderBy('id').limit(sampleSize - after.length).pluck('id')
            : [];
          const ids = shuffle([...new Set<string>([...ballotIds, ...after, ...before])]);
          return rewriteRows(trx, 'ballots', 'id', ids);
        }, { isolationLevel: 'read committed' }); // no gap locks on MariaDB beside concurrent votes
      } catch (err) {
        if (attempt >= 5 || !isRetryableConflict(err)) throw err;
        await new Promise((r) => setTimeout(r, randomInt(5, 20 * attempt)));
      }
    }
  }

  /**
   * Rewrites all of an election's ballots in a random order, in the caller's transaction (the
   * tally's, which holds the election so that no vote or revoke runs meanwhile): afterwards every
   * ballot carries the same transaction id and, on PostgreSQL, a random place in the heap.
   */
  async reshuffle(electionId: string): Promise<void> {
    const run = (trx: Knex.Transaction) => rewriteAllInRandomOrder(trx, 'ballots', ['id', 'election_id', 'ranking'], { election_id: electionId });
    await ((this.db as Knex.Transaction).isTransaction ? run(this.db as Knex.Transaction) : this.db.transaction(run));
  }

  /** `delete_after`: remove every voter-to-ballot link of an election. The ballots and vote rows stay. */
  async deleteLinks(electionId: string): Promise<number> {
    return this.db('votes')
      .where({ election_id: electionId })
      .whereNotNull('sealed_ballot')
      .update({ kdf: null, salt: null, sealed_ballot: null });
  }
}

/** Fisher-Yates with a cryptographic source: the order must not be predictable. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
