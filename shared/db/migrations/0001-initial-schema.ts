import type { Knex } from 'knex';
import { createTableClusteredByKey, exactTextComparison, reservePageSpaceForUpdates } from '../dialect.js';

// The whole data model of DESIGN.md. Column types are chosen to behave the same on SQLite,
// PostgreSQL and MariaDB: string ids, UTC datetimes with milliseconds, JSON stored as text.

const ID = 32;

function timestamps(t: Knex.CreateTableBuilder): void {
  t.datetime('created_at', { precision: 3, useTz: true }).notNullable();
  t.datetime('updated_at', { precision: 3, useTz: true }).notNullable();
}

export async function up(knex: Knex): Promise<void> {
  const createTable = (name: string, build: (t: Knex.CreateTableBuilder) => void) =>
    knex.schema.createTable(name, (t) => { exactTextComparison(knex, t); build(t); });

  await createTable('users', (t) => {
    t.string('id', ID).primary();
    t.string('login', 255).notNullable();
    // GitHub logins are case-insensitive; the lower-cased copy carries the unique key.
    t.string('login_lower', 255).notNullable().unique();
    t.string('name', 255).nullable();
    timestamps(t);
  });

  await createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('data', 'mediumtext').notNullable();
    t.datetime('expires_at', { precision: 3, useTz: true }).notNullable().index();
  });

  await createTable('elections', (t) => {
    t.string('id', ID).primary();
    t.string('key', 255).notNullable().unique();
    t.string('path', 1024).notNullable();
    t.string('name', 255).notNullable();
    t.string('organization', 255).notNullable().defaultTo('');
    t.datetime('start_at', { precision: 3, useTz: true }).notNullable();
    t.datetime('end_at', { precision: 3, useTz: true }).notNullable();
    t.datetime('exception_due_at', { precision: 3, useTz: true }).notNullable();
    t.integer('no_winners').notNullable().defaultTo(1);
    t.boolean('allow_no_opinion').notNullable().defaultTo(true);
    t.boolean('delete_after').notNullable().defaultTo(false);
    t.string('method', 64).nullable();
    t.text('show_candidate_fields').notNullable(); // JSON string[]
    t.text('officers').notNullable(); // JSON string[], logins as written
    t.text('eligibility').notNullable();
    t.text('exception_description').notNullable();
    t.text('description', 'mediumtext').notNullable();
    t.text('results', 'mediumtext').nullable();
    // Sync bookkeeping: what version this is, and whether the repository's current files are broken.
    t.string('fingerprint', 64).notNullable();
    t.string('meta_commit', 64).nullable();
    t.boolean('broken').notNullable().defaultTo(false);
    t.text('problems', 'mediumtext').notNullable(); // JSON MetaProblem[] from the last sync
    t.datetime('archived_at', { precision: 3, useTz: true }).nullable();
    // Set when a tally has completed: no vote or revoke is accepted afterwards.
    t.datetime('concluded_at', { precision: 3, useTz: true }).nullable();
    timestamps(t);
    t.index(['start_at']);
  });

  await createTable('candidates', (t) => {
    t.string('id', ID).primary();
    t.string('election_id', ID).notNullable().references('elections.id').onDelete('CASCADE');
    t.string('candidate_key', 255).notNullable(); // the `ID` in the candidate file: the ballot key
    t.string('name', 255).notNullable();
    t.string('file', 1024).notNullable();
    t.text('info').notNullable(); // JSON Record<string,string>
    t.text('bio', 'mediumtext').notNullable();
    t.integer('position').notNullable();
    t.unique(['election_id', 'candidate_key']);
  });

  await createTable('eligible_voters', (t) => {
    t.string('election_id', ID).notNullable().references('elections.id').onDelete('CASCADE');
    t.string('login_lower', 255).notNullable();
    t.string('login', 255).notNullable();
    t.primary(['election_id', 'login_lower']);
  });

  // One row per (election, user) who has voted. No timestamp. The optional link to the ballot is
  // sealed under a key derived from the voter's passphrase; without a passphrase there is no link.
  await createTable('votes', (t) => {
    t.string('id', ID).primary();
    t.string('election_id', ID).notNullable().references('elections.id').onDelete('CASCADE');
    t.string('user_id', ID).notNullable().references('users.id').onDelete('CASCADE');
    t.text('kdf').nullable(); // JSON {alg, memoryKiB, passes, parallelism}
    t.binary('salt').nullable();
    t.binary('sealed_ballot').nullable();
    t.unique(['election_id', 'user_id']);
  });
  await reservePageSpaceForUpdates(knex, 'votes', 70);

  // A ballot: random id, election, ranking. No user, no timestamp. Stored in id order, not in
  // the order of voting.
  await createTableClusteredByKey(knex, 'ballots', (t) => {
    exactTextComparison(knex, t);
    t.string('id', ID).primary();
    t.string('election_id', ID).notNullable().references('elections.id').onDelete('CASCADE');
    t.text('ranking').notNullable(); // JSON string[][]: groups of tied candidate keys, best first
    t.index(['election_id']);
  });

  await createTable('exception_requests', (t) => {
    t.string('id', ID).primary();
    t.string('election_id', ID).notNullable().references('elections.id').onDelete('CASCADE');
    t.string('user_id', ID).notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.string('chat', 255).notNullable().defaultTo('');
    t.text('description').notNullable();
    t.text('comments').notNullable();
    t.boolean('reviewed').notNullable().defaultTo(false);
    timestamps(t);
    t.unique(['election_id', 'user_id']);
  });

  await createTable('sync_runs', (t) => {
    t.string('id', ID).primary();
    t.string('trigger', 32).notNullable();
    t.string('status', 16).notNullable(); // running | done | skipped | failed
    t.string('meta_commit', 64).nullable();
    t.datetime('started_at', { precision: 3, useTz: true }).notNullable().index();
    t.datetime('finished_at', { precision: 3, useTz: true }).nullable();
    t.text('counts').notNullable(); // JSON {created, updated, unchanged, archived, broken, ...}
    t.text('problems', 'mediumtext').notNullable(); // JSON MetaProblem[]
    t.text('error').nullable();
  });

  await createTable('tally_runs', (t) => {
    t.string('id', ID).primary();
    t.string('election_id', ID).notNullable().references('elections.id').onDelete('CASCADE');
    t.string('status', 16).notNullable(); // queued | running | done | failed
    t.string('method', 64).notNullable();
    t.string('requested_by', ID).nullable().references('users.id').onDelete('SET NULL');
    t.text('result', 'mediumtext').nullable(); // JSON TallyResult
    t.text('error').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.datetime('created_at', { precision: 3, useTz: true }).notNullable();
    t.datetime('started_at', { precision: 3, useTz: true }).nullable();
    t.datetime('finished_at', { precision: 3, useTz: true }).nullable();
    t.index(['election_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['tally_runs', 'sync_runs', 'exception_requests', 'ballots', 'votes', 'eligible_voters',
    'candidates', 'elections', 'sessions', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
