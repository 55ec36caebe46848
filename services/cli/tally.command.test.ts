import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBlt } from '../../shared/domain/condorcet/formats/blt.js';
import { parseElektoCsv, writeElektoCsv } from '../../shared/domain/condorcet/formats/elekto-csv.js';
import { bufferIO } from './command-io.js';
import { tallyCommand } from './tally.command.js';

const dir = mkdtempSync(join(tmpdir(), 'urna-tally-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const elektoCsv = readFileSync(new URL('../../shared/domain/condorcet/testdata/elekto-ballots.csv', import.meta.url), 'utf8');
const ELEKTO_TOP3 = ['Jordan Liggitt', 'Bob Killen', 'Davanum Srinivas'];

async function run(...argv: string[]) {
  const io = bufferIO();
  const code = await tallyCommand(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

const cycle = JSON.stringify({
  candidates: ['A', 'B', 'C', 'D'],
  unranked: 'last',
  ballots: [
    { count: 3, ranking: [['A'], ['B'], ['C']] },
    { count: 2, ranking: [['D'], ['A'], ['B']] },
    { count: 2, ranking: [['D'], ['B'], ['C']] },
    { count: 2, ranking: [['C'], ['B'], ['D']] },
  ],
});

describe('urna tally', () => {
  it('prints usage for --help', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: urna tally FILE \[--method M\]/);
  });

  it('prints the JSON result of a JSON file', async () => {
    const { code, out, err } = await run(file('cycle.json', cycle), '--json');
    expect([code, err]).toEqual([0, '']);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ method: 'schulze-winning', ballots: 9, ranking: [['B', 'D'], ['A', 'C']], winners: ['B', 'D'], condorcetWinner: null });
    expect(result.pairwise.A.B).toBe(5);
    expect(result.strongest.B.A).toBe(5);
  });

  it('honours --method, --winners and an --unranked that overrides the file', async () => {
    const path = file('cycle2.json', cycle);
    const seats = JSON.parse((await run(path, '--json', '--winners=1')).out);
    expect(seats).toMatchObject({ winners: [], tieAtCut: ['B', 'D'], seats: 1 });
    const ignored = JSON.parse((await run('--unranked', 'ignored', path, '--json')).out);
    expect(ignored.unranked).toBe('ignored');
    expect(ignored.pairwise.A.D).toBe(0); // 3 under 'last': D unranked on the A>B>C ballots
    expect(JSON.parse((await run(path, '--method', 'copeland', '--json')).out).copelandScores).toBeDefined();
  });

  it("reads Elekto's CSV export and shows a ranking table and the pairwise matrix", async () => {
    const { code, out } = await run(file('ballots.csv', elektoCsv));
    expect(code).toBe(0);
    expect(out).toContain('schulze-winning · 312 ballots · 10 candidates');
    expect(out).toMatch(/ {3}1 {2}Jordan Liggitt +elected\n {3}2 {2}Bob Killen\n/);
    expect(out).toContain('Pairwise preferences');
  });

  it('gives the same result from CSV and BLT exports', async () => {
    const election = parseElektoCsv(elektoCsv);
    for (const [name, text] of [
      ['export.csv', writeElektoCsv(election.candidates, election.ballots)],
      ['export.blt', writeBlt(election.candidates, election.ballots, { title: 'Steering' })],
    ]) {
      const result = JSON.parse((await run(file(name, text), '--json')).out);
      expect(result.ranking.slice(0, 3).flat(), name).toEqual(ELEKTO_TOP3);
      expect(result.pairwise['Bob Killen']['Carlos Panato'], name).toBe(184);
    }
  });

  it.each([
    [['missing.json'], /^urna tally: cannot read '.*missing\.json': no such file\n?$/],
    [['x.json', '--method', 'borda'], /^urna tally: unknown method 'borda' \(known: .*\) \(see urna tally --help\)$/],
    [['x.json', '--bogus'], /^urna tally: unknown option '--bogus' \(see urna tally --help\)$/],
    [['x.json', '--winners', 'two'], /^urna tally: --winners must be a whole number of at least 1, not 'two'/],
    [['x.json', '--unranked', 'first'], /^urna tally: --unranked must be 'ignored' or 'last', not 'first'/],
    [['x.json', '--method'], /^urna tally: --method needs a value/],
    [[], /^urna tally: missing FILE/],
    [['a.json', 'b.json'], /^urna tally: expected one FILE, got 2/],
  ])('%j → exit 2 with one line on stderr', async (argv, message) => {
    const { code, out, err } = await run(...argv.map((a) => (a.endsWith('.json') ? join(dir, a) : a)));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });

  it.each([
    ['unknown.json', '{"candidates":["A","B"],"ballots":[{"ranking":[["A"]]},{"ranking":[["Z"]]}]}', "unknown.json: ballot 2: unknown candidate 'Z'"],
    ['dup.json', '{"candidates":["A","B"],"ballots":[{"ranking":[["A"],["A"]]}]}', "dup.json: ballot 1: duplicate candidate 'A' in one ballot"],
    ['dup.blt', '2 1\n1 2 2 0\n0\n"A"\n"B"\n"t"\n', 'dup.blt: line 2: duplicate candidate 2 in one ballot'],
    ['rows.csv', 'A,B\n1,2\n1\n', 'rows.csv: line 3: expected 2 cells (one per candidate), found 1'],
    ['rank.csv', 'A,B\n1,best\n', "rank.csv: line 2, column 'B': bad rank 'best'"],
    ['notes.txt', 'A,B\n', "cannot tell the format of '"],
    ['broken.json', '{', 'broken.json: not valid JSON'],
  ])('rejects %s with exit 2', async (name, text, message) => {
    const { code, out, err } = await run(file(name, text));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(message);
  });

  it('refuses kemeny-young above its limit with exit 2', async () => {
    const candidates = Array.from({ length: 13 }, (_, i) => `c${i}`);
    const { code, err } = await run(file('big.json', JSON.stringify({ candidates, ballots: [] })), '--method', 'kemeny-young');
    expect(code).toBe(2);
    expect(err).toMatch(/kemeny-young is limited to 12 candidates \(this election has 13\)/);
  });
});
