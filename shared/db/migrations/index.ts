import type { Knex } from 'knex';
import * as initialSchema from './0001-initial-schema.js';
import * as attemptCounters from './0002-attempt-counters.js';

// Migrations are imported, not globbed from disk, so the same list works from TypeScript
// sources (tests, tsx) and from the compiled dist/ build.
const MIGRATIONS: ReadonlyArray<[string, Knex.Migration]> = [
  ['0001-initial-schema', initialSchema],
  ['0002-attempt-counters', attemptCounters],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};
