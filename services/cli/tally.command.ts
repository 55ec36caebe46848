// `urna tally FILE`: tallies an election file (JSON, Elekto CSV or BLT) with the Condorcet engine.
import { readFile } from 'node:fs/promises';
import { TallyInputError } from '../../shared/domain/condorcet/errors.js';
import { parseElectionFile } from '../../shared/domain/condorcet/formats/election-file.js';
import { formatTallyReport } from '../../shared/domain/condorcet/formats/text-report.js';
import { METHOD_ALIASES, METHOD_NAMES, resolveMethod } from '../../shared/domain/condorcet/method-names.js';
import { tally } from '../../shared/domain/condorcet/tally.js';
import type { UnrankedRule } from '../../shared/domain/condorcet/types.js';
import type { CommandIO } from './command-io.js';

export const TALLY_USAGE = `Usage: urna tally FILE [--method M] [--winners N] [--unranked ignored|last] [--json]

Tallies the ballots in FILE and prints the ranking and the pairwise matrix.

FILE            .json  {"candidates": [...], "ballots": [{"count": n, "ranking": [["A"], ["B","C"]]}],
                        "unranked": "ignored"|"last"}
                .csv   Elekto's ballot export (ranks, 1 = best, or "No opinion")
                .blt   BLT (OpenSTV/Hill); "2=3" ranks candidates 2 and 3 equal
--method M      ${METHOD_NAMES.join(', ')}
                (aliases: ${Object.entries(METHOD_ALIASES).map(([a, m]) => `${a} = ${m}`).join(', ')}; default schulze-winning)
--winners N     seats to fill; a tie across the cut is reported, not broken
                (default: the BLT file's seats, otherwise the whole first place)
--unranked R    candidates missing from a ballot: "ignored" (no opinion; default for CSV
                and BLT, as in Elekto) or "last" (tied below every ranked candidate)
--json          print the result as JSON
-h, --help      show this help

Exit status: 0 done, 2 bad input or usage.`;

interface TallyArgs {
  file: string;
  method?: string;
  winners?: number;
  unranked?: UnrankedRule;
  json: boolean;
}

/** `argv` holds the arguments after `tally`. Returns the exit status. */
export async function tallyCommand(argv: string[], io: CommandIO): Promise<number> {
  const fail = (message: string): number => {
    io.err(`urna tally: ${message}`);
    return 2;
  };
  let args: TallyArgs | 'help';
  try {
    args = parseArgs(argv);
    if (args !== 'help') resolveMethod(args.method);
  } catch (error) {
    if (error instanceof TallyInputError) return fail(`${error.message} (see urna tally --help)`);
    throw error;
  }
  if (args === 'help') {
    io.out(TALLY_USAGE);
    return 0;
  }

  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`cannot read '${args.file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`);
  }

  try {
    const election = parseElectionFile(args.file, text);
    const result = tally(
      { candidates: election.candidates, ballots: election.ballots, unranked: args.unranked ?? election.unranked ?? 'ignored' },
      { method: args.method, winners: args.winners ?? election.seats },
    );
    io.out(args.json ? JSON.stringify(result, null, 2) : formatTallyReport(result));
    return 0;
  } catch (error) {
    if (error instanceof TallyInputError) return fail(`${args.file}: ${error.message}`);
    throw error;
  }
}

function parseArgs(argv: string[]): TallyArgs | 'help' {
  const files: string[] = [];
  const args: Omit<TallyArgs, 'file'> = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') {
      args.json = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name !== '--method' && name !== '--winners' && name !== '--unranked') throw new TallyInputError(`unknown option '${name}'`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new TallyInputError(`${name} needs a value`);
    if (name === '--method') args.method = value;
    if (name === '--winners') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw new TallyInputError(`--winners must be a whole number of at least 1, not '${value}'`);
      args.winners = Number(value);
    }
    if (name === '--unranked') {
      if (value !== 'ignored' && value !== 'last') throw new TallyInputError(`--unranked must be 'ignored' or 'last', not '${value}'`);
      args.unranked = value;
    }
  }
  if (files.length === 0) throw new TallyInputError('missing FILE');
  if (files.length > 1) throw new TallyInputError(`expected one FILE, got ${files.length}: ${files.join(', ')}`);
  return { file: files[0], ...args };
}
