import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferIO } from './command-io.js';
import { META_CHECK_USAGE, metaCheckCommand } from './meta-check.command.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): string => path.join(repoRoot, 'test/fixtures/meta', name);

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await metaCheckCommand(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

const ELECTION_KEYS = ['key', 'path', 'name', 'organization', 'start', 'end', 'exceptionDue', 'noWinners', 'allowNoOpinion', 'deleteAfter',
  'showCandidateFields', 'officers', 'voters', 'candidates', 'hasDescription', 'hasResults'];

describe('urna meta check --json', () => {
  it('prints exactly the documented shape and exits 0 without errors', async () => {
    const { code, stdout, stderr } = await run([fixture('clean'), '--json']);
    expect([code, stderr]).toEqual([0, '']);
    const output = JSON.parse(stdout);
    expect(Object.keys(output)).toEqual(['elections', 'problems']);
    expect(output.problems).toEqual([]);
    expect(output.elections).toHaveLength(1);
    expect(Object.keys(output.elections[0])).toEqual(ELECTION_KEYS);
    expect(output.elections[0]).toEqual({
      key: '2024---steering',
      path: '2024/steering',
      name: 'Example 2024 Steering Election',
      organization: 'Example',
      start: '2024-05-01T00:00:00.000Z',
      end: '2024-05-14T23:59:59.000Z',
      exceptionDue: '2024-05-10T00:00:00.000Z',
      noWinners: 2,
      allowNoOpinion: true,
      deleteAfter: true,
      showCandidateFields: ['employer'],
      officers: ['officer-one'],
      voters: ['alice', 'bob', 'carol'],
      candidates: [{ id: 'alice', name: 'Alice Example', file: '2024/steering/candidate-alice.md', info: { employer: 'Example Corp' } }],
      hasDescription: true,
      hasResults: false,
    });
  });

  it('leaves out broken elections and candidates, reports them, and exits 1', async () => {
    const { code, stdout } = await run(['--json', fixture('mixed')]);
    expect(code).toBe(1);
    const output = JSON.parse(stdout);
    expect(output.elections.map((e: { key: string }) => e.key)).toEqual(['2024---steering', '2025-TOC']);
    const toc = output.elections[1];
    expect(toc).toMatchObject({ exceptionDue: '2025-02-05T00:00:00.000Z', allowNoOpinion: false, officers: ['officer-two'], voters: ['dave', 'erin'] });
    expect(toc.candidates.map((c: { id: string }) => c.id)).toEqual(['dave']);
    expect(output.elections[0].candidates.map((c: { id: string; file: string }) => [c.id, c.file])).toEqual([
      ['alice', '2024/steering/candidate-alice.md'],
      ['bob', '2024/steering/candidate-robert.md'],
    ]);
    for (const problem of output.problems) expect(Object.keys(problem)).toEqual(['path', 'level', 'message']);
    expect(output.problems.filter((p: { level: string }) => p.level === 'error').map((p: { path: string }) => p.path)).toEqual([
      '2025-TOC/candidate-erin.md',
      'broken-dates/election.yaml',
    ]);
  });
});

describe('urna meta check (text)', () => {
  it('prints a table of elections and a list of problems', async () => {
    const { code, stdout } = await run([fixture('mixed')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/KEY\s+NAME\s+START \(UTC\)\s+END \(UTC\)\s+CANDIDATES\s+VOTERS/);
    expect(stdout).toMatch(/2025-TOC\s+Example 2025 TOC\s+2025-02-01 12:00:00\s+2025-02-08 12:00:00\s+1\s+2/);
    expect(stdout).toMatch(/error\s+2025-TOC\/candidate-erin\.md:3\s+invalid candidate header/);
    expect(stdout).toMatch(/Not loaded \(1\): broken-dates/);
    expect(stdout).toMatch(/2 elections, 2 errors, 3 warnings/);
  });

  it('exits 0 on a clean root', async () => {
    const { code, stdout } = await run([fixture('clean')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 election, 0 errors, 0 warnings/);
  });
});

describe('urna meta check arguments', () => {
  it('prints usage for --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(META_CHECK_USAGE);
  });

  it.each([[[]], [['--json']], [['a', 'b']], [['--yaml', fixture('clean')]], [[path.join(repoRoot, 'no-such-dir')]], [[path.join(repoRoot, 'package.json')]]])(
    'exits 2 with a one-line usage error for %j',
    async (argv) => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(META_CHECK_USAGE);
    },
  );

  it('accepts a DIR after --', async () => {
    expect((await run(['--', fixture('clean')])).code).toBe(0);
  });
});
