import type { Knex } from 'knex';
import { exactTextComparison } from '../dialect.js';

// Counters behind the sign-in and passphrase rate limits and the passphrase lockout, in the
// database so that every web process counts the same attempts. The key is an HMAC of what is
// counted (never a user id, login, address or election id in clear). Times are epoch milliseconds
// in plain integers: windows are compared as numbers, alike on every dialect and time zone.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attempt_counters', (t) => {
    exactTextComparison(knex, t);
    t.string('key_hash', 64).primary(); // hex HMAC-SHA256
    t.integer('hits').notNullable().defaultTo(0); // rate limit: attempts in the window
    t.bigInteger('window_ends_at').notNullable().defaultTo(0);
    t.integer('failures').notNullable().defaultTo(0); // lockout: wrong passphrases in a row
    t.bigInteger('locked_until').notNullable().defaultTo(0);
    // After this the row means nothing any more; a sweep deletes it, and readers ignore it until then.
    t.bigInteger('expires_at').notNullable().defaultTo(0).index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('attempt_counters');
}
