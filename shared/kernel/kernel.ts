import type { Knex } from 'knex';
import { BallotKeyProblemsError, ElectionKeyStore } from '../ballots/election-key-store.js';
import type { Config, ServiceName } from '../config/config.js';
import { BallotKeyError, BallotKeyring } from '../crypto/ballot-keyring.js';
import { connectDatabase } from '../db/connect.js';
import { assertNoPendingMigrations, migrateLatest } from '../db/migrate.js';
import { createRepositories, type Repositories } from '../db/repositories/index.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createQueue } from '../queue/create-queue.js';
import { urnaJobs, type UrnaJobs } from '../queue/job-definitions.js';
import type { JobQueue } from '../queue/job-queue.js';
import { ProcessorRegistry } from '../queue/processor.js';
import { databaseCheck, readiness, type Check, type ReadinessReport } from './health.js';
import { Shutdown } from './shutdown.js';

/** What the kernel gives every plug-in. Plug-ins never build infrastructure themselves. */
export interface Kernel {
  config: Config;
  logger: Logger;
  db: Knex;
  repos: Repositories;
  /** Election ballot keys under this process's BALLOT_KEY (or BALLOT_WEB_KEY); null without either. */
  ballotKeys: ElectionKeyStore | null;
  queue: JobQueue<UrnaJobs>;
  processors: ProcessorRegistry<UrnaJobs>;
  shutdown: Shutdown;
  /** The clock, injectable so tests can move time. */
  now(): Date;
  /** Runs the readiness checks (all, or only those named). */
  readiness(only?: string[]): Promise<ReadinessReport>;
}

export interface ServicePlugin {
  name: ServiceName;
  /** Registers routes or processors and the plug-in's own shutdown steps. */
  start(kernel: Kernel): Promise<void>;
}

export interface BootOptions {
  logger?: Logger;
  now?: () => Date;
  /** Install SIGTERM/SIGINT handlers (the real process does; tests drive shutdown themselves). */
  handleSignals?: boolean;
}

/**
 * Boot order: logger → database (refuse pending migrations, except the embedded default, which
 * migrates itself) → queue → plug-ins → workers, only once every processor is registered.
 */
export async function bootKernel(config: Config, plugins: ServicePlugin[], options: BootOptions = {}): Promise<Kernel> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.appEnv === 'development' && process.stdout.isTTY });
  const shutdown = new Shutdown(logger);
  const db = connectDatabase(config.database);
  shutdown.add('database', 'knex', () => db.destroy());
  const keyring = keyringOf(config);
  const repos = createRepositories(db);
  const ballotKeys = keyring ? new ElectionKeyStore(repos.electionKeys, keyring) : null;
  try {
    if (config.embedded) {
      const applied = await migrateLatest(db, { ballotKeys: keyring });
      if (applied.length) logger.info({ applied }, 'migrated the embedded database');
    } else {
      await assertNoPendingMigrations(db);
    }
    // A key that cannot open what is stored would lose ballots: refuse to start, naming them.
    const problems = (await ballotKeys?.problems()) ?? [];
    if (problems.length) throw new BallotKeyProblemsError(problems);
  } catch (err) {
    await db.destroy();
    throw err;
  }

  const queue = createQueue(urnaJobs, { url: config.redisUrl, prefix: config.redisPrefix }, logger);
  shutdown.add('queues', 'queue', () => queue.close());
  const checks: Record<string, Check> = { database: databaseCheck(db) };
  if (config.redisUrl) checks.redis = () => queue.ping();

  const kernel: Kernel = {
    config,
    logger,
    db,
    repos,
    ballotKeys,
    queue,
    processors: new ProcessorRegistry(urnaJobs),
    shutdown,
    now: options.now ?? (() => new Date()),
    readiness: (only) => readiness(only ? Object.fromEntries(Object.entries(checks).filter(([n]) => only.includes(n))) : checks),
  };

  try {
    for (const plugin of plugins) {
      await plugin.start(kernel);
      logger.debug({ service: plugin.name }, 'service started');
    }
    const consumed = kernel.processors.queuesWithProcessors();
    if (consumed.length) {
      await queue.startWorkers(kernel.processors, consumed);
      shutdown.add('workers', 'queue workers', () => queue.stopWorkers(config.shutdownTimeoutMs));
    }
  } catch (err) {
    await shutdown.run('startup failed');
    throw err;
  }

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        const timer = setTimeout(() => {
          logger.error('shutdown took too long; exiting');
          process.exit(1);
        }, config.shutdownTimeoutMs + 5000);
        timer.unref();
        void shutdown.run(signal).then(() => process.exit(0));
      });
    }
  }
  logger.info({ services: plugins.map((p) => p.name), queue: queue.kind, database: config.database.client }, 'urna started');
  return kernel;
}

/** The keyring of this process's configured ballot key, if any. */
export function keyringOf(config: Config): BallotKeyring | null {
  if (config.ballots.masterKey) return BallotKeyring.fromMasterKey(config.ballots.masterKey);
  if (config.ballots.webKey) return BallotKeyring.fromWebKey(config.ballots.webKey);
  return null;
}

/** The key store of a service that creates election keys or opens ballots (sync and tally workers). */
export function requireOpeningKeys(kernel: Pick<Kernel, 'ballotKeys'>): ElectionKeyStore {
  if (!kernel.ballotKeys?.keyring.canOpen) throw new BallotKeyError('BALLOT_KEY: required by the sync and tally workers (BALLOT_WEB_KEY is not enough)');
  return kernel.ballotKeys;
}

/** The key store of the web service, which seals ballots and opens links. */
export function requireSealingKeys(kernel: Pick<Kernel, 'ballotKeys'>): ElectionKeyStore {
  if (!kernel.ballotKeys) throw new BallotKeyError('BALLOT_KEY (or BALLOT_WEB_KEY): required by the web service');
  return kernel.ballotKeys;
}
