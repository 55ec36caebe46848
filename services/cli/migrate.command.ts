import { ConfigError, loadConfig } from '../../shared/config/config.js';
import { connectDatabase } from '../../shared/db/connect.js';
import { migrateLatest, migrateRollbackAll, pendingMigrations } from '../../shared/db/migrate.js';
import { keyringOf } from '../../shared/kernel/kernel.js';
import type { CommandIO } from './command-io.js';

const HELP = `usage: urna migrate [--status | --rollback-all]

Applies pending database migrations (the release step). --status lists pending ones without
applying them; --rollback-all removes every table Urna created. Sealing the ballots of a database
from before sealed ballots needs BALLOT_KEY (or BALLOT_KEY_FILE).`;

export async function migrateCommand(argv: string[], io: CommandIO, env = process.env): Promise<number> {
  if (argv.includes('--help')) {
    io.out(HELP);
    return 0;
  }
  const mode = argv[0] ?? '--apply';
  if (!['--apply', '--status', '--rollback-all'].includes(mode) || argv.length > 1) {
    io.err(`urna migrate: unknown argument ${argv.join(' ')} (see urna migrate --help)`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env, { command: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const db = connectDatabase(config.database);
  try {
    if (mode === '--status') {
      const pending = await pendingMigrations(db);
      io.out(pending.length ? `pending: ${pending.join(', ')}` : 'the database is up to date');
    } else if (mode === '--rollback-all') {
      const removed = await migrateRollbackAll(db);
      io.out(removed.length ? `rolled back: ${removed.join(', ')}` : 'nothing to roll back');
    } else {
      const applied = await migrateLatest(db, { ballotKeys: keyringOf(config) });
      io.out(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
    }
    return 0;
  } finally {
    await db.destroy();
  }
}
