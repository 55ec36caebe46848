import type { Knex } from 'knex';
import type { BallotKeyring } from '../crypto/ballot-keyring.js';
import { migrationSourceFor } from './migrations/index.js';

const TABLE = 'urna_migrations';
const config: Knex.MigratorConfig = { migrationSource: migrationSourceFor({ ballotKeys: null }), tableName: TABLE };

/** What data-converting migrations may need: sealing existing ballots needs the master ballot key. */
export interface MigrationContext {
  ballotKeys?: BallotKeyring | null;
}

export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list(config)) as [unknown[], Array<string | { file: string }>];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(db: Knex, context: MigrationContext = {}): Promise<string[]> {
  const withContext = { migrationSource: migrationSourceFor({ ballotKeys: context.ballotKeys ?? null }), tableName: TABLE };
  const [, applied] = (await db.migrate.latest(withContext)) as [number, string[]];
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
