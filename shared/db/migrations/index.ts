import type { Knex } from 'knex';
import * as initialSchema from './0001-initial-schema.js';
import * as attemptCounters from './0002-attempt-counters.js';
import * as countedBallotPages from './0004-counted-ballot-pages.js';
import { sealedBallotsMigration, type SealedBallotsContext } from './0003-sealed-ballots.js';

// Migrations are imported, not globbed from disk, so the same list works from TypeScript
// sources (tests, tsx) and from the compiled dist/ build.
function migrations(context: SealedBallotsContext): ReadonlyArray<[string, Knex.Migration]> {
  return [
    ['0001-initial-schema', initialSchema],
    ['0002-attempt-counters', attemptCounters],
    ['0003-sealed-ballots', sealedBallotsMigration(context)],
    ['0004-counted-ballot-pages', countedBallotPages],
  ];
}

export function migrationSourceFor(context: SealedBallotsContext): Knex.MigrationSource<string> {
  const list = migrations(context);
  return {
    getMigrations: async () => list.map(([name]) => name),
    getMigrationName: (name) => name,
    getMigration: async (name) => {
      const found = list.find(([n]) => n === name);
      if (!found) throw new Error(`unknown migration ${name}`);
      return found[1];
    },
  };
}
