import { readFile } from 'node:fs/promises';
import { ElectionKeyStore } from '../../shared/ballots/election-key-store.js';
import { rotateElectionKeys } from '../../shared/ballots/rotate-keys.js';
import { ConfigError, loadConfig, type Config } from '../../shared/config/config.js';
import { BallotKeyring, parseKey } from '../../shared/crypto/ballot-keyring.js';
import { connectDatabase } from '../../shared/db/connect.js';
import { assertNoPendingMigrations } from '../../shared/db/migrate.js';
import { createRepositories } from '../../shared/db/repositories/index.js';
import { keyringOf } from '../../shared/kernel/kernel.js';
import { embeddedBallotKey } from '../embedded/secrets.js';
import type { CommandIO } from './command-io.js';

const HELP = `usage: urna keys check | rotate --new-key-file FILE | web-key

check     reports whether BALLOT_KEY opens the keys of every election that holds sealed
          ballots or links (what every process checks before it starts); exit 1 if not.
rotate    re-wraps every election's keys from BALLOT_KEY to the key in FILE (64 hex digits).
          Stop the services first; run it again with the same keys if it was interrupted;
          then set BALLOT_KEY to the new key and start the services.
web-key   prints the web-only part of BALLOT_KEY, for BALLOT_WEB_KEY: web processes that
          hold only it can seal ballots and open voters' links, but never open a ballot.`;

export async function keysCommand(argv: string[], io: CommandIO, env = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === undefined) {
    io.out(HELP);
    return sub === undefined ? 2 : 0;
  }
  let config: Config;
  try {
    config = loadConfig(env, { command: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }
  const master = config.ballots.masterKey ?? (config.embedded && !config.ballots.webKey ? await embeddedBallotKey(config.dataDir) : null);
  const keyring = keyringOf({ ...config, ballots: { ...config.ballots, masterKey: master } });
  if (!keyring) {
    io.err('urna keys: set BALLOT_KEY (or BALLOT_KEY_FILE)');
    return 2;
  }
  if (sub === 'web-key') {
    if (!master) {
      io.err('urna keys web-key: needs BALLOT_KEY (the web key is derived from it)');
      return 2;
    }
    io.out(BallotKeyring.webKeyOf(master).toString('hex'));
    return 0;
  }
  if (sub !== 'check' && sub !== 'rotate') {
    io.err(`urna keys: unknown subcommand ${sub} (see urna keys --help)`);
    return 2;
  }

  const db = connectDatabase(config.database);
  try {
    await assertNoPendingMigrations(db);
    const repos = createRepositories(db);
    if (sub === 'check') {
      const problems = await new ElectionKeyStore(repos.electionKeys, keyring).problems();
      if (problems.length === 0) {
        io.out(`BALLOT_KEY (id ${keyring.keyId}) opens the keys of every election holding sealed ballots or links.`);
        return 0;
      }
      io.err(`BALLOT_KEY (id ${keyring.keyId}) cannot open the keys of ${problems.length} election(s):`);
      for (const p of problems) io.err(`  - ${p.electionKey}: ${p.problem}`);
      return 1;
    }
    const fileAt = rest.indexOf('--new-key-file');
    const file = fileAt >= 0 ? rest[fileAt + 1] : undefined;
    if (!file || rest.length !== 2) {
      io.err('usage: urna keys rotate --new-key-file FILE');
      return 2;
    }
    if (!keyring.canOpen) {
      io.err('urna keys rotate: needs BALLOT_KEY, not BALLOT_WEB_KEY');
      return 2;
    }
    const target = BallotKeyring.fromMasterKey(parseKey(await readFile(file, 'utf8'), file));
    const report = await rotateElectionKeys(repos.electionKeys, keyring, target);
    io.out(`rotated ${report.rotated} election key(s) to key id ${target.keyId}` +
      (report.alreadyDone ? `; ${report.alreadyDone} were already under it` : ''));
    if (report.foreign.length) {
      io.err(`${report.foreign.length} election key(s) are under neither key and were left alone: ${report.foreign.join(', ')}`);
      return 1;
    }
    io.out('Now set BALLOT_KEY to the new key everywhere, start the services. Keep the old key only as long as you may need to restore a backup made before this rotation.');
    return 0;
  } catch (err) {
    io.err(`urna keys: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.destroy();
  }
}
