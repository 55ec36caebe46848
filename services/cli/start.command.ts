import { cpus } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../shared/config/config.js';
import { bootKernel, type Kernel } from '../../shared/kernel/kernel.js';
import { BallotKeyProblemsError } from '../../shared/ballots/election-key-store.js';
import { PendingMigrationsError } from '../../shared/db/migrate.js';
import { embeddedAppKey, embeddedBallotKey } from '../embedded/secrets.js';
import { seedDemoBallots } from '../embedded/demo-ballots.js';
import { materialiseDemoMeta } from '../embedded/demo-meta.js';
import { startHealthServer } from '../health-server.js';
import { SERVICES } from '../registry.js';
import type { CommandIO } from './command-io.js';

const HELP = `usage: urna start [--services=web,sync-worker,tally-worker]

Starts the named services in this process (default: SERVICES, or all three). Without
DATABASE_URL/DB_CONNECTION this is the embedded default: SQLite under ./data, migrated
automatically, the demo meta repository, the in-process queue and the development login.`;

/** `urna start`: validate the configuration, prepare the embedded default if asked for, boot. */
export async function startCommand(argv: string[], io: CommandIO, env = process.env): Promise<number> {
  if (argv.includes('--help')) {
    io.out(HELP);
    return 0;
  }
  const servicesFlag = argv.find((a) => a.startsWith('--services='))?.slice('--services='.length);
  const unknown = argv.filter((a) => !a.startsWith('--services='));
  if (unknown.length) {
    io.err(`urna start: unknown argument ${unknown[0]} (see urna start --help)`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(env, { services: servicesFlag, cpus: cpus().length });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const demo = config.embedded && config.meta.repo === null;
  if (config.embedded) config = await prepareEmbedded(config);

  let kernel: Kernel;
  try {
    kernel = await bootKernel(config, config.services.map((name) => SERVICES[name]), { handleSignals: true });
  } catch (err) {
    if (err instanceof PendingMigrationsError || err instanceof BallotKeyProblemsError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  if (!config.services.includes('web')) await startHealthServer(kernel);
  // The demo's closed election gets the ballots its results.md describes, once the first sync has created it.
  if (demo && config.services.includes('sync-worker')) {
    void seedDemoBallots(kernel).catch((err: unknown) => kernel.logger.warn({ err }, 'demo: could not seed the closed election'));
  }
  if (config.services.includes('web')) {
    io.out(`Urna is running at ${config.appUrl}${config.devLogin ? ' (development login enabled)' : ''}`);
  }
  return 0;
}

/** SQLite under ./data (created by the kernel), generated session and ballot keys, and the demo meta repository unless META_REPO is set. */
async function prepareEmbedded(config: Config): Promise<Config> {
  const appKey = config.appKey ?? (await embeddedAppKey(config.dataDir));
  const masterKey = config.ballots.masterKey ?? (config.ballots.webKey ? null : await embeddedBallotKey(config.dataDir));
  const repo = config.meta.repo ?? (await materialiseDemoMeta(join(config.dataDir, 'demo-meta'), new Date()));
  return { ...config, appKey, ballots: { ...config.ballots, masterKey }, meta: { ...config.meta, repo } };
}
