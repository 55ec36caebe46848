import { describe, expect, it } from 'vitest';
import { candidateMd, electionYaml, errorsOf, parseElection, warningsOf } from '../../../test/fixtures/meta/meta-tree-helpers.js';
import { decodeMetaFile } from './meta-text.js';
import { stripHtmlComments } from './candidate-header.js';

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
