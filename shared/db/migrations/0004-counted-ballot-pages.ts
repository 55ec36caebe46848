import type { Knex } from 'knex';
import { insertCountedBallots, unpackCountedBallots } from '../counted-ballot-pages.js';
import { createTableClusteredByKey, exactTextComparison, insertRows } from '../dialect.js';
import { newId } from '../ids.js';

// Counted rankings move from one row per ballot to pages of many rankings (counted-ballot-pages.ts):
// storing 100,000 of them at the count took 3.4 s as rows and takes a few hundred milliseconds as pages.

export async function up(knex: Knex): Promise<void> {
  await createTableClusteredByKey(knex, 'counted_ballot_pages', (t) => {
    exactTextComparison(knex, t);
    t.string('id', 32).primary(); // random, drawn at the count
    t.string('election_id', 32).notNullable().references('elections.id').onDelete('CASCADE');
    t.integer('ballots').notNullable();
    t.text('rankings', 'mediumtext').notNullable(); // MEDIUMTEXT on MySQL (TEXT stops at 64 KiB); TEXT elsewhere
    t.index(['election_id']);
  });
  const electionIds: string[] = await knex('counted_ballots').distinct('election_id').pluck('election_id');
  for (const electionId of electionIds) {
    const rankings: string[] = await knex('counted_ballots').where({ election_id: electionId }).pluck('ranking');
    await insertCountedBallots(knex, electionId, rankings);
  }
  await knex.schema.dropTable('counted_ballots');
}

export async function down(knex: Knex): Promise<void> {
  await createTableClusteredByKey(knex, 'counted_ballots', (t) => {
    exactTextComparison(knex, t);
    t.string('id', 32).primary();
    t.string('election_id', 32).notNullable().references('elections.id').onDelete('CASCADE');
    t.text('ranking').notNullable();
    t.index(['election_id']);
  });
  const pages: Array<{ election_id: string; rankings: string }> = await knex('counted_ballot_pages').select('election_id', 'rankings');
  for (const page of pages) {
    await insertRows(knex, 'counted_ballots', unpackCountedBallots(page.rankings).map((ranking) => ({ id: newId(), election_id: page.election_id, ranking })));
  }
  await knex.schema.dropTable('counted_ballot_pages');
}
