// `urna meta check DIR [--json]`: parses an elections root the way the sync worker will, so
// officers can check a meta repository (locally or in CI) before merging.
import { stat } from 'node:fs/promises';
import {
  parseMetaTree,
  readMetaDir,
  sortProblems,
  type MetaProblem,
  type ParsedElection,
} from '../../shared/domain/meta/index.js';
import type { CommandIO } from './command-io.js';

export const META_CHECK_USAGE = 'usage: urna meta check DIR [--json]';

const HELP = `${META_CHECK_USAGE}

Parses the elections root DIR (e.g. ./elections in the meta repository) and lists its elections
and every problem found. Exit status: 0 when there is no error, 1 with errors, 2 for bad usage.

  --json   print {"elections": [...], "problems": [...]} instead of tables
  --help   show this help`;

/** `argv` holds the arguments after `meta check`. */
export async function metaCheckCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    io.out(HELP);
    return 0;
  }
  if ('error' in args) {
    io.err(`urna meta check: ${args.error} (${META_CHECK_USAGE})`);
    return 2;
  }
  const isDir = await stat(args.dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    io.err(`urna meta check: ${args.dir} is not a directory (${META_CHECK_USAGE})`);
    return 2;
  }

  const reading = await readMetaDir(args.dir);
  const result = parseMetaTree(reading.tree);
  const problems = sortProblems([...reading.problems, ...result.problems]);
  if (args.json) io.out(JSON.stringify({ elections: result.elections.map(toJson), problems: problems.map(problemJson) }, null, 2));
  else io.out(renderText(args.dir, result.elections, result.brokenElections, problems));
  return problems.some((p) => p.level === 'error') ? 1 : 0;
}

type Args = { dir: string; json: boolean } | { help: true } | { error: string };

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let json = false;
  let optionsDone = false;
  for (const arg of argv) {
    if (!optionsDone && (arg === '--help' || arg === '-h')) return { help: true };
    if (!optionsDone && arg === '--json') json = true;
    else if (!optionsDone && arg === '--') optionsDone = true;
    else if (!optionsDone && arg.startsWith('-') && arg !== '-') return { error: `unknown option ${arg}` };
    else positional.push(arg);
  }
  if (positional.length === 0) return { error: 'missing DIR' };
  if (positional.length > 1) return { error: `expected one DIR, got ${positional.length}` };
  return { dir: positional[0] as string, json };
}

/** The JSON shape is a contract for scripts and CI: keep these keys and their order. */
function toJson(e: ParsedElection): object {
  return {
    key: e.key,
    path: e.path,
    name: e.name,
    organization: e.organization,
    start: e.start.toISOString(),
    end: e.end.toISOString(),
    exceptionDue: e.exceptionDue.toISOString(),
    noWinners: e.noWinners,
    allowNoOpinion: e.allowNoOpinion,
    deleteAfter: e.deleteAfter,
    showCandidateFields: e.showCandidateFields,
    officers: e.officers,
    voters: e.voters,
    candidates: e.candidates.map((c) => ({ id: c.id, name: c.name, file: c.file, info: c.info })),
    hasDescription: e.hasDescription,
    hasResults: e.hasResults,
  };
}

function problemJson(p: MetaProblem): object {
  return { path: p.path, level: p.level, message: p.message };
}

function renderText(dir: string, elections: ParsedElection[], broken: { key: string; path: string }[], problems: MetaProblem[]): string {
  const lines: string[] = [`Elections in ${dir}: ${elections.length}`];
  if (elections.length > 0) {
    const rows = [
      ['KEY', 'NAME', 'START (UTC)', 'END (UTC)', 'CANDIDATES', 'VOTERS'],
      ...elections.map((e) => [e.key, clip(e.name, 40), utc(e.start), utc(e.end), String(e.candidates.length), String(e.voters.length)]),
    ];
    lines.push('', ...table(rows));
  }
  if (broken.length > 0) {
    lines.push('', `Not loaded (${broken.length}): ${broken.map((b) => `${b.key} (${b.path})`).join(', ')}`);
  }
  const errors = problems.filter((p) => p.level === 'error').length;
  if (problems.length > 0) {
    lines.push('', `Problems: ${problems.length}`, '');
    lines.push(...table(problems.map((p) => [p.level, p.line === undefined ? p.path : `${p.path}:${p.line}`, p.message])));
  }
  lines.push('', `${plural(elections.length, 'election')}, ${plural(errors, 'error')}, ${plural(problems.length - errors, 'warning')}`);
  return lines.join('\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function utc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
