import { processIO, type CommandIO } from './cli/command-io.js';

const USAGE = `usage: urna <command> [options]

commands:
  start [--services=web,sync-worker,tally-worker]   run services (see urna start --help)
  migrate [--status | --rollback-all]               apply database migrations
  sync                                              sync the meta repository into the database now
  tally FILE [--method M] [--winners N] [--unranked ignored|last] [--json]
                                                    count ballots from a JSON, CSV or BLT file
  meta check DIR [--json]                           check an elections root as the sync worker would
  keys check | rotate --new-key-file F | web-key    check or rotate the master ballot key

Every command accepts --help.`;

/** The `urna` command. Subcommands load lazily, so `urna tally` does not pay for the web stack. */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return (await import('./cli/start.command.js')).startCommand(rest, io);
    case 'migrate':
      return (await import('./cli/migrate.command.js')).migrateCommand(rest, io);
    case 'sync':
      return (await import('./cli/sync.command.js')).syncCommand(rest, io);
    case 'tally':
      return (await import('./cli/tally.command.js')).tallyCommand(rest, io);
    case 'keys':
      return (await import('./cli/keys.command.js')).keysCommand(rest, io);
    case 'meta':
      if (rest[0] === 'check') return (await import('./cli/meta-check.command.js')).metaCheckCommand(rest.slice(1), io);
      io.err(rest[0] ? `urna meta: unknown subcommand ${rest[0]}` : 'usage: urna meta check DIR [--json]');
      return 2;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`urna: unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}
