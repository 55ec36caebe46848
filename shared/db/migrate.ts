import type { Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

const config: Knex.MigratorConfig = { migrationSource, tableName: 'urna_migrations' };

export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list(config)) as [unknown[], Array<string | { file: string }>];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(config)) as [number, string[]];
  return applied;
}

/** Rolls every migration back (tests and `urna migrate --rollback-all`). */
export async function migrateRollbackAll(db: Knex): Promise<string[]> {
  const [, rolledBack] = (await db.migrate.rollback(config, true)) as [number, string[]];
  return rolledBack;
}

export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    super(`The database has pending migrations: ${pending.join(', ')}. Run \`urna migrate\` first.`);
  }
}

export async function assertNoPendingMigrations(db: Knex): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length) throw new PendingMigrationsError(pending);
}
