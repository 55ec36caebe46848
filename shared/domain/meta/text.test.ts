import { describe, expect, it } from 'vitest';
import { candidateMd, electionYaml, errorsOf, parseElection, treeOf, VOTERS, warningsOf } from '../../../test/fixtures/meta/meta-tree-helpers.js';
import { decodeMetaFile } from './meta-text.js';
import { stripHtmlComments } from './candidate-header.js';
import { parseMetaTree } from './parse-meta-tree.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('R20: encodings and whitespace', () => {
  it('strips a BOM and reads CRLF in election.yaml and voters.yaml given as bytes', () => {
    const { election, result } = parseElection({
      'election.yaml': utf8(`\uFEFF${electionYaml().replace(/\n/g, '\r\n')}`),
      'voters.yaml': utf8('\uFEFFeligible_voters:\r\n  - alice\r\n  - bob'),
    });
    expect(election?.name).toBe('Test Election');
    expect(election?.voters).toEqual(['alice', 'bob']);
    expect(result.problems).toEqual([]);
  });

  it('keeps non-ASCII, NBSP and zero-width characters inside names, trimming only the ends', () => {
    const name = 'Adolfo García\u00A0Veytia\u200B';
    const { election } = parseElection({ 'candidate-a.md': utf8(candidateMd(`name: "  ${name}  "\nID: a`)) });
    expect(election?.candidates[0]?.name).toBe(name);
  });

  it('replaces invalid UTF-8 with U+FFFD and warns instead of failing', () => {
    const bytes = new Uint8Array([...utf8('-----\nname: Caf'), 0xe9, ...utf8('\nID: a\n-----\n')]);
    const { election, result } = parseElection({ 'candidate-a.md': bytes });
    expect(election?.candidates[0]?.name).toBe('Caf\uFFFD');
    expect(warningsOf(result)).toMatchObject([{ path: 'e/candidate-a.md' }]);
  });

  it('normalises every line ending to \\n', () => {
    expect(decodeMetaFile('a\r\nb\rc\n')).toEqual({ ok: true, text: 'a\nb\nc\n', lossy: false });
  });

  it('refuses files over 1 MiB', () => {
    const big = decodeMetaFile(new Uint8Array(1024 * 1024 + 1));
    expect(big.ok).toBe(false);
    const { result } = parseElection({ 'voters.yaml': 'x'.repeat(1024 * 1024 + 1) });
    expect(errorsOf(result)).toMatchObject([{ path: 'e/voters.yaml', message: expect.stringMatching(/1 MiB/) }]);
  });
});

// PostgreSQL text cannot hold U+0000: a NUL that got through would fail the election's write on
// every sync. A file holding one is unreadable, and handled as each kind of unreadable file is.
describe('R20: a NUL character (U+0000) makes a file unreadable', () => {
  const NUL_MESSAGE = /could not be read: contains a NUL character \(U\+0000\); is it a binary file/;

  it('names the line of the first NUL, counting CRLF and lone CR line ends as one', () => {
    expect(decodeMetaFile('a\r\nb\rc\0d\0')).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/U\+0000/) });
    expect(decodeMetaFile(utf8('\0'))).toMatchObject({ ok: false, line: 1 });
  });

  it('refuses a text file saved as UTF-16, whose ASCII characters carry NUL bytes', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'name: x\n'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(decodeMetaFile(utf16)).toMatchObject({ ok: false, line: 1 });
  });

  it('sets the election aside when election.yaml holds one, and keeps the other elections', () => {
    const result = parseMetaTree(
      treeOf({
        'bad/election.yaml': electionYaml({ replace: { name: 'name: Bad\0Election' } }),
        'bad/voters.yaml': VOTERS,
        'good/election.yaml': electionYaml(),
        'good/voters.yaml': VOTERS,
      }),
    );
    expect(result.elections.map((e) => e.key)).toEqual(['good']);
    expect(result.brokenElections).toEqual([{ key: 'bad', path: 'bad' }]);
    expect(errorsOf(result)).toEqual([{ path: 'bad/election.yaml', line: 1, level: 'error', electionKey: 'bad', message: expect.stringMatching(NUL_MESSAGE) }]);
  });

  it('sets the election aside when voters.yaml holds one, as for any unreadable voters.yaml', () => {
    const { election, result } = parseElection({ 'voters.yaml': utf8('eligible_voters:\n  - alice\n  - b\0b\n') });
    expect(election).toBeUndefined();
    expect(result.brokenElections).toEqual([{ key: 'e', path: 'e' }]);
    expect(errorsOf(result)).toMatchObject([{ path: 'e/voters.yaml', line: 3, message: expect.stringMatching(NUL_MESSAGE) }]);
  });

  it('leaves the candidate out and keeps the election when a candidate file holds one', () => {
    const { election, result } = parseElection({
      'candidate-ok.md': candidateMd('name: Ok\nID: ok'),
      'candidate-bin.md': candidateMd('name: Bin\nID: bin', 'Bio with a\0NUL.\n'),
    });
    expect(election?.candidates.map((c) => c.id)).toEqual(['ok']);
    expect(result.brokenElections).toEqual([]);
    expect(errorsOf(result)).toMatchObject([{ path: 'e/candidate-bin.md', line: 6, electionKey: 'e', message: expect.stringMatching(NUL_MESSAGE) }]);
  });

  it('reads election_desc.md and results.md holding one as missing, with a warning, as for any unreadable one', () => {
    const { election, result } = parseElection({ 'election_desc.md': '# Vote\0\n', 'results.md': 'won\n\0' });
    expect(election).toMatchObject({ description: '', hasDescription: false, results: null, hasResults: false });
    expect(errorsOf(result)).toEqual([]);
    expect(warningsOf(result)).toMatchObject([
      { path: 'e/election_desc.md', line: 1, message: expect.stringMatching(NUL_MESSAGE) },
      { path: 'e/results.md', line: 2, message: expect.stringMatching(NUL_MESSAGE) },
    ]);
  });
});

describe('R21: markdown', () => {
  it('strips HTML comments from bios, including an unclosed one', () => {
    const bio = '<!-- Please make a copy of this template\nand save it -->\n\n## About me\n\nHi <!-- inline --> there\n\n<!-- unclosed\nsecret';
    const { election } = parseElection({ 'candidate-a.md': candidateMd('name: A\nID: a', bio) });
    expect(election?.candidates[0]?.bio).toBe('## About me\n\nHi  there');
  });

  it('leaves the description and results as written, for the renderer to sanitise', () => {
    const { election } = parseElection({ 'election_desc.md': '<!-- c -->\n# Vote\n', 'results.md': '<b>x</b>\n' });
    expect(election?.description).toBe('<!-- c -->\n# Vote\n');
    expect(election?.results).toBe('<b>x</b>\n');
  });

  it('stripHtmlComments keeps text around comments', () => {
    expect(stripHtmlComments('a<!--x-->b<!--\ny\n-->c')).toBe('abc');
  });
});
