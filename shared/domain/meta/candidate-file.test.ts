import { describe, expect, it } from 'vitest';
import { candidateMd, electionYaml, errorsOf, parseElection, warningsOf } from '../../../test/fixtures/meta/meta-tree-helpers.js';

const one = (file: string, text: string | Uint8Array, extra: Record<string, string> = {}) => {
  const { election, result } = parseElection({ [file]: text, ...extra });
  return { candidates: election?.candidates ?? [], candidate: election?.candidates[0], result };
};

describe('R14: candidate discovery', () => {
  it('takes direct children named candidate-*.md only', () => {
    const { election, result } = parseElection({
      'candidate-a.md': candidateMd('name: A\nID: a'),
      'candidate-b.MD': candidateMd('ID: b'),
      'candidate.png': candidateMd('ID: png'),
      'candidate-c.md.orig': candidateMd('ID: c'),
      'Candidate-d.md': candidateMd('ID: d'),
      'nomination-template.md': candidateMd('ID: GithubID'),
      'sub/candidate-e.md': candidateMd('ID: e'),
    });
    expect(election?.candidates.map((c) => c.id)).toEqual(['a']);
    expect(result.problems).toEqual([]);
  });

  it('skips candidate-template.md with a warning and flags placeholder IDs', () => {
    const { candidates, result } = one('candidate-template.md', candidateMd('ID: GithubID'), { 'candidate-x.md': candidateMd('name: X\nID: YourGitHubID') });
    expect(candidates.map((c) => c.id)).toEqual(['YourGitHubID']);
    expect(warningsOf(result).map((w) => w.path)).toEqual(['e/candidate-template.md', 'e/candidate-x.md', 'e/candidate-x.md']);
  });
});

describe('R15: header delimiters', () => {
  it('accepts rules of different lengths (3 and 61) and a --- inside the bio', () => {
    const text = `---\nname: A\nID: a\n${'-'.repeat(61)}\n\nIntro\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n`;
    const { candidate, result } = one('candidate-a.md', text);
    expect(candidate?.id).toBe('a');
    expect(candidate?.bio).toBe('Intro\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(result.problems).toEqual([]);
  });

  it('accepts blank lines before the first rule and trailing spaces on rules', () => {
    const { candidate, result } = one('candidate-a.md', '\n\n-------   \nname: A\nID: a\n-------\t\nbio\n');
    expect(candidate?.bio).toBe('bio');
    expect(result.problems).toEqual([]);
  });

  it('accepts CRLF line ends and a BOM', () => {
    const { candidate, result } = one('candidate-a.md', '\uFEFF-----\r\nname: A\r\nID: a\r\n-----\r\n\r\nbio line\r\n');
    expect(candidate).toMatchObject({ id: 'a', name: 'A', bio: 'bio line' });
    expect(result.problems).toEqual([]);
  });

  it('reports a file with no header, or an unclosed one', () => {
    for (const text of ['# Just a bio\n', '-----\nID: a\n\nbio\n']) {
      const { candidates, result } = one('candidate-a.md', text);
      expect(candidates).toEqual([]);
      expect(errorsOf(result)).toHaveLength(1);
    }
  });

  it('ignores text before the opening rule, with a warning', () => {
    const { candidate, result } = one('candidate-a.md', '<!-- template -->\n-----\nname: A\nID: a\n-----\n');
    expect(candidate?.id).toBe('a');
    expect(warningsOf(result)).toHaveLength(1);
  });
});

describe('R16: header YAML leniency', () => {
  it('accepts a tab after "key:" and blank lines inside the header', () => {
    const { candidate, result } = one('candidate-a.md', candidateMd('name:\tAlice A\n\nID:\ta\n\ninfo:\n  - employer:\tACME\n'));
    expect(candidate).toMatchObject({ id: 'a', name: 'Alice A', info: { employer: 'ACME' } });
    expect(result.problems).toEqual([]);
  });

  it('reports a header that does not parse, with the file line', () => {
    const tabIndent = one('candidate-a.md', '-----\nname: A\n\nID: a\ninfo:\n\t- employer: x\n-----\n');
    expect(tabIndent.candidates).toEqual([]);
    expect(errorsOf(tabIndent.result)).toMatchObject([{ path: 'e/candidate-a.md', line: 6, message: expect.stringMatching(/tabs/) }]);
    const atSign = one('candidate-a.md', '-----\nname: A\nID: @a\n-----\n');
    expect(errorsOf(atSign.result)).toMatchObject([{ line: 3, message: expect.stringMatching(/quotes/) }]);
  });

  it('reports a header that is not key: value lines', () => {
    const { candidates, result } = one('candidate-a.md', candidateMd('- a\n- b'));
    expect(candidates).toEqual([]);
    expect(errorsOf(result)).toHaveLength(1);
  });
});

describe('R17: info shapes', () => {
  const fields = (list: string) => ({ 'election.yaml': electionYaml({ replace: { show_candidate_fields: `show_candidate_fields: ${list}` } }) });
  it.each([
    ['a list of one-key maps', 'info:\n  - employer: ACME\n  - slack: al', { employer: 'ACME', slack: 'al' }],
    ['a plain mapping', 'info:\n  employer: ACME\n  slack: al', { employer: 'ACME', slack: 'al' }],
    ['multi-key list items', 'info:\n  - employer: ACME\n    slack: al', { employer: 'ACME', slack: 'al' }],
    ['no info', '', { employer: '', slack: '' }],
    ['null info', 'info:', { employer: '', slack: '' }],
    ['numbers and lists as values', 'info:\n  - employer: 42\n  - slack: [a, b]', { employer: '42', slack: 'a, b' }],
    ['a different case', 'info:\n  - Employer: ACME\n  - SLACK: al', { employer: 'ACME', slack: 'al' }],
    ['extra fields', 'info:\n  - employer: ACME\n  - twitter: x', { employer: 'ACME', slack: '', twitter: 'x' }],
  ])('reads %s', (_label, info, expected) => {
    const { candidate, result } = one('candidate-a.md', candidateMd(`ID: a\n${info}`), fields('[employer, slack]'));
    expect(candidate?.info).toEqual(expected);
    expect(errorsOf(result)).toEqual([]);
  });

  it('prefers an exact key over a case-insensitive one', () => {
    const { candidate } = one('candidate-a.md', candidateMd('ID: a\ninfo:\n  - Employer: wrong\n  - employer: right'), fields('[employer]'));
    expect(candidate?.info).toEqual({ employer: 'right', Employer: 'wrong' });
  });

  it('ignores string items with a warning', () => {
    const { candidate, result } = one('candidate-a.md', candidateMd('name: A\nID: a\ninfo:\n  - ACME\n  - slack: al'), fields('[slack]'));
    expect(candidate?.info).toEqual({ slack: 'al' });
    expect(warningsOf(result)).toHaveLength(1);
  });

  it('keeps a "__proto__" field as data', () => {
    const { candidate } = one('candidate-a.md', candidateMd('ID: a\ninfo:\n  - __proto__: x'), fields('[]'));
    expect(Object.getPrototypeOf(candidate?.info)).toBe(Object.prototype);
    expect(JSON.stringify(candidate?.info)).toBe('{"__proto__":"x"}');
  });
});

describe('R18: candidate ID vs file name', () => {
  it('keeps a candidate whose file name differs from the ID, with a warning', () => {
    const { election, result } = parseElection({
      'candidate-jdoe.md': candidateMd('name: Jane\nID: janedoe'),
      'candidate-zackbutcher.md': candidateMd('name: Zack\nID: ZackButcher'),
    });
    expect(election?.candidates.map((c) => [c.id, c.file])).toEqual([
      ['janedoe', 'e/candidate-jdoe.md'],
      ['ZackButcher', 'e/candidate-zackbutcher.md'],
    ]);
    expect(result.problems.map((p) => [p.level, p.message])).toEqual([
      ['warning', expect.stringMatching(/does not match/)],
      ['warning', expect.stringMatching(/differs in case/)],
    ]);
  });

  it('rejects a duplicate ID (case-insensitive), keeping the file named after it', () => {
    const { election, result } = parseElection({
      'candidate-alice.md': candidateMd('name: Alice\nID: alice'),
      'candidate-aardvark.md': candidateMd('name: Copy\nID: Alice'),
    });
    expect(election?.candidates.map((c) => c.file)).toEqual(['e/candidate-alice.md']);
    expect(errorsOf(result)).toMatchObject([{ path: 'e/candidate-aardvark.md', message: expect.stringMatching(/duplicate candidate ID/) }]);
  });
});

describe('R19: candidate fields', () => {
  it('keeps a numeric-looking ID as written', () => {
    expect(one('candidate-0777.md', candidateMd('ID: 0777')).candidate?.id).toBe('0777');
  });

  it('falls back to the ID when name is missing or null, with a warning', () => {
    for (const header of ['ID: a', 'ID: a\nname:']) {
      const { candidate, result } = one('candidate-a.md', candidateMd(header));
      expect(candidate?.name).toBe('a');
      expect(warningsOf(result)).toHaveLength(1);
    }
  });

  it('accepts id, Name and Info spellings', () => {
    const { candidate, result } = one('candidate-a.md', candidateMd('Name: Alice\nid: a\nInfo:\n  - employer: ACME'));
    expect(candidate).toMatchObject({ id: 'a', name: 'Alice', info: { employer: 'ACME' } });
    expect(result.problems).toEqual([]);
  });

  it('reports a missing, empty or non-text ID', () => {
    for (const header of ['name: A', 'name: A\nID:', 'name: A\nID: [a, b]']) {
      const { candidates, result } = one('candidate-a.md', candidateMd(header));
      expect(candidates).toEqual([]);
      expect(errorsOf(result)).toHaveLength(1);
    }
  });
});
