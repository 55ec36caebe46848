import type { Knex } from 'knex';
import type { BallotKeyring } from '../../crypto/ballot-keyring.js';
import { BallotLinks } from '../../crypto/ballot-link.js';
import { padRanking, rankingCapacity, sealBallot } from '../../crypto/sealed-ballot.js';
import { shuffled } from '../../crypto/shuffle.js';
import { createTableClusteredByKey, exactTextComparison, insertRows, toDateOrNull, toJson } from '../dialect.js';
import { newId } from '../ids.js';
import { electionKeysRow } from '../repositories/election-keys.repository.js';

// Sealed ballots (SECURITY.md). Until the count a ballot is stored only sealed to its election's
// public key (`sealed_ballots`); the count opens them and keeps the rankings, in a random order
// and with fresh ids, in `counted_ballots`. Vote links are sealed under the election's link key.
// Each election's keys live in `election_keys`, wrapped under BALLOT_KEY, which is not in the
// database. Existing data is converted here: this needs BALLOT_KEY as soon as any election exists.

export interface SealedBallotsContext {
  ballotKeys: BallotKeyring | null;
}

export function sealedBallotsMigration(context: SealedBallotsContext): Knex.Migration {
  return {
    async up(knex) {
      // Before any change: MySQL cannot roll back DDL, so a refusal must come first.
      const elections = await knex('elections').count({ n: '*' }).first();
      if (Number(elections?.n ?? 0) > 0 && !context.ballotKeys?.canOpen) {
        throw new Error('sealing the existing ballots needs the master ballot key: run `urna migrate` with BALLOT_KEY (or BALLOT_KEY_FILE) set');
      }
      await knex.schema.createTable('election_keys', (t) => {
        exactTextComparison(knex, t);
        t.string('election_id', 32).primary().references('elections.id').onDelete('CASCADE');
        t.string('key_id', 32).notNullable(); // which master key wraps this row
        t.binary('public_key').notNullable();
        t.binary('public_key_mac').notNullable();
        t.binary('sealed_private_key').nullable(); // destroyed at the count
        t.binary('sealed_link_key').nullable(); // destroyed at the count with delete_after
      });
      await createTableClusteredByKey(knex, 'sealed_ballots', (t) => {
        exactTextComparison(knex, t);
        t.string('id', 32).primary();
        t.string('election_id', 32).notNullable().references('elections.id').onDelete('CASCADE');
        t.binary('sealed').notNullable();
        t.index(['election_id']);
      });
      await createTableClusteredByKey(knex, 'counted_ballots', (t) => {
        exactTextComparison(knex, t);
        t.string('id', 32).primary(); // random, drawn at the count: unrelated to any sealed ballot
        t.string('election_id', 32).notNullable().references('elections.id').onDelete('CASCADE');
        t.text('ranking').notNullable();
        t.index(['election_id']);
      });
      await knex.schema.alterTable('votes', (t) => { t.binary('sealed_link').nullable(); });

      await sealExistingData(knex, context.ballotKeys);

      await knex.schema.dropTable('ballots');
      await knex.schema.alterTable('votes', (t) => { t.dropColumns('kdf', 'salt', 'sealed_ballot'); });
    },

    async down(knex) {
      const sealed = await knex('sealed_ballots').count({ n: '*' }).first();
      if (Number(sealed?.n ?? 0) > 0) throw new Error('cannot undo sealed ballots while sealed ballots exist: they cannot be unsealed by a migration');
      await knex.schema.alterTable('votes', (t) => {
        t.text('kdf').nullable();
        t.binary('salt').nullable();
        t.binary('sealed_ballot').nullable();
      });
      await knex.schema.alterTable('votes', (t) => { t.dropColumn('sealed_link'); });
      await createTableClusteredByKey(knex, 'ballots', (t) => {
        exactTextComparison(knex, t);
        t.string('id', 32).primary();
        t.string('election_id', 32).notNullable().references('elections.id').onDelete('CASCADE');
        t.text('ranking').notNullable();
        t.index(['election_id']);
      });
      const counted = await knex('counted_ballots').select('id', 'election_id', 'ranking');
      await insertRows(knex, 'ballots', counted);
      for (const table of ['counted_ballots', 'sealed_ballots', 'election_keys']) await knex.schema.dropTable(table);
    },
  };
}

/** Gives every election keys, seals the ballots of uncounted ones, moves counted ones, and wraps old links. */
async function sealExistingData(knex: Knex, keyring: BallotKeyring | null): Promise<void> {
  const elections: Array<{ id: string; concluded_at: unknown }> = await knex('elections').select('id', 'concluded_at');
  if (elections.length === 0 || !keyring) return; // checked before any change
  for (const election of elections) {
    const concluded = toDateOrNull(election.concluded_at) !== null;
    const keys = keyring.createElectionKeys(election.id);
    if (concluded) keys.sealedPrivateKey = null;
    await knex('election_keys').insert(electionKeysRow(keys));
    const { publicKey, linkKey } = keyring.sealingKeys(keys);
    const ballots: Array<{ ranking: string }> = await knex('ballots').where({ election_id: election.id }).select('ranking');
    if (concluded) {
      // Counted already: keep the rankings for exports, in a random order, under fresh ids.
      const rows = shuffled(ballots.map((b) => ({ id: newId(), election_id: election.id, ranking: b.ranking })));
      await insertRows(knex, 'counted_ballots', rows);
    } else {
      const candidateKeys: string[] = await knex('candidates').where({ election_id: election.id }).pluck('candidate_key');
      const capacity = rankingCapacity(candidateKeys);
      const sealed = await knex('ballots').where({ election_id: election.id }).select('id', 'ranking');
      await insertRows(knex, 'sealed_ballots', sealed.map((b: { id: string; ranking: string }) => ({
        id: b.id,
        election_id: election.id,
        sealed: sealBallot(publicKey, election.id, padRanking(JSON.stringify(toJson(b.ranking, [])), capacity)),
      })));
    }
    const votes: Array<{ id: string; user_id: string; kdf: unknown; salt: Buffer; sealed_ballot: Buffer }> = await knex('votes')
      .where({ election_id: election.id }).whereNotNull('sealed_ballot').select('id', 'user_id', 'kdf', 'salt', 'sealed_ballot');
    for (const v of votes) {
      const kdf = toJson<{ memoryKiB: number; passes: number; parallelism: number }>(v.kdf, { memoryKiB: 19456, passes: 2, parallelism: 1 });
      const sealedLink = BallotLinks.fromLegacy({ kdf, salt: Buffer.from(v.salt), sealedBallot: Buffer.from(v.sealed_ballot) },
        { electionId: election.id, userId: v.user_id }, linkKey!);
      await knex('votes').where({ id: v.id }).update({ sealed_link: sealedLink });
    }
  }
}
