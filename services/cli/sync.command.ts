// `urna sync [--force]`: runs one sync of the meta repository now, in this process, against the
// configured database. For operators: after a fix, when the queue is down, or from a cron job.
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../shared/config/config.js';
import { connectDatabase } from '../../shared/db/connect.js';
import { assertNoPendingMigrations, migrateLatest, PendingMigrationsError } from '../../shared/db/migrate.js';
import { ElectionKeyStore } from '../../shared/ballots/election-key-store.js';
import { createRepositories } from '../../shared/db/repositories/index.js';
import { keyringOf } from '../../shared/kernel/kernel.js';
import { createLogger } from '../../shared/logging/logger.js';
import { embeddedBallotKey } from '../embedded/secrets.js';
import { createGitMetaSource } from '../sync-worker/git-meta-source.js';
import { createMetaSync, type SyncOutcome } from '../sync-worker/meta-sync.js';
import { ParsePool } from '../sync-worker/parse-pool.js';
import type { CommandIO } from './command-io.js';

export const SYNC_USAGE = 'usage: urna sync [--force]';

const HELP = `${SYNC_USAGE}

Fetches the meta repository (META_REPO, branch META_BRANCH, checkout in META_PATH), parses its
elections root (ELECTION_DIR) and writes the elections into the configured database, then prints
what changed and every problem found. A head that was already applied is skipped.

  --force  re-read the repository even when its head was already applied
  --help   show this help

Exit status: 0 when the sync ran or was skipped, 1 when it failed, 2 for bad usage or configuration.`;

export async function syncCommand(argv: string[], io: CommandIO): Promise<number> {
  const unknown = argv.filter((a) => !['--force', '--help', '-h'].includes(a));
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(HELP);
    return 0;
  }
  if (unknown.length) {
    io.err(`urna sync: unexpected ${unknown.join(' ')} (${SYNC_USAGE})`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }

  const db = connectDatabase(config.database);
  const parsePool = new ParsePool();
  try {
    // The embedded default keeps its master key in ./data, as `urna start` does.
    const keyring = keyringOf(config.embedded && !config.ballots.masterKey
      ? { ...config, ballots: { ...config.ballots, masterKey: await embeddedBallotKey(config.dataDir) } }
      : config);
    if (config.embedded) await migrateLatest(db, { ballotKeys: keyring });
    else await assertNoPendingMigrations(db);
    const repos = createRepositories(db);
    const sync = createMetaSync({
      parsePool,
      repos,
      source: createGitMetaSource(config.meta),
      now: () => new Date(),
      // Warnings and errors go to stderr; the summary below is the command's output.
      logger: createLogger({ level: 'warn' }, pino.destination(2)),
      concurrency: config.database.client === 'better-sqlite3' ? 1 : 4,
    });
    const started = Date.now();
    const outcome = await sync.run('cli', { force: argv.includes('--force') });
    if (keyring?.canOpen) await new ElectionKeyStore(repos.electionKeys, keyring).ensureAll();
    io.out(renderOutcome(outcome, Date.now() - started));
    return outcome.status === 'failed' ? 1 : 0;
  } catch (err) {
    io.err(`urna sync: ${err instanceof PendingMigrationsError || err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await parsePool.close();
    await db.destroy();
  }
}

export function renderOutcome(outcome: SyncOutcome, ms: number): string {
  const commit = outcome.commit.slice(0, 12);
  if (outcome.status === 'skipped') {
    return `Commit ${commit} was already applied; nothing to do (--force re-reads it).`;
  }
  const c = outcome.counts;
  const lines = [
    `Synced commit ${commit} in ${ms} ms${outcome.status === 'failed' ? ' (INCOMPLETE)' : ''}.`,
    `created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, archived ${c.archived}, ` +
      `broken ${c.broken}, restored ${c.restored}${c.failed ? `, failed ${c.failed}` : ''}`,
  ];
  if (outcome.error) lines.push(`error: ${outcome.error}`);
  if (outcome.problems.length) {
    lines.push('', `Problems: ${outcome.problems.length}`);
    for (const p of outcome.problems) {
      const where = p.line === undefined ? p.path : `${p.path}:${p.line}`;
      lines.push(`  ${p.level.padEnd(7)} ${where || '(root)'}${p.electionKey ? ` [${p.electionKey}]` : ''}  ${p.message}`);
    }
  }
  return lines.join('\n');
}
