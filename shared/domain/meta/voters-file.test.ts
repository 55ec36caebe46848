import { describe, expect, it } from 'vitest';
import { errorsOf, parseElection, warningsOf } from '../../../test/fixtures/meta/meta-tree-helpers.js';

const votersOf = (text: string) => parseElection({ 'voters.yaml': text });

describe('R11: voters.yaml shapes', () => {
  it.each([
    ['the usual mapping', 'eligible_voters:\n  - alice\n  - bob\n', ['alice', 'bob']],
    ['a leading --- and comment blocks', '---\n# Voters\n#####\n# generated\neligible_voters:\n# the list\n- alice\n- bob # maintainer\n', ['alice', 'bob']],
    ['no final newline', 'eligible_voters:\n  - alice\n  - bob', ['alice', 'bob']],
    ['a flow list', 'eligible_voters: [alice, bob]\n', ['alice', 'bob']],
  ])('reads %s', (_label, text, expected) => {
    const { election, result } = votersOf(text);
    expect(election?.voters).toEqual(expected);
    expect(result.problems).toEqual([]);
  });

  it.each([
    ['eligible_voters: null', 'eligible_voters:\n  \n'],
    ['an empty file', ''],
    ['only comments', '# nobody yet\n'],
  ])('reads %s as no voters, with a warning', (_label, text) => {
    const { election, result } = votersOf(text);
    expect(election?.voters).toEqual([]);
    expect(errorsOf(result)).toEqual([]);
    expect(warningsOf(result)).toHaveLength(1);
  });

  it('accepts a bare top-level list, with a warning', () => {
    const { election, result } = votersOf('# history\n- alice\n- bob\n');
    expect(election?.voters).toEqual(['alice', 'bob']);
    expect(warningsOf(result)[0]?.message).toMatch(/bare list/);
  });

  it('keeps numeric-looking logins literally (string-only schema)', () => {
    const { election } = votersOf('eligible_voters:\n  - 249043822\n  - 0777\n  - 1e3\n  - no\n  - true\n  - 0x1F\n');
    expect(election?.voters).toEqual(['249043822', '0777', '1e3', 'no', 'true', '0x1F']);
  });

  it('drops null and empty entries and trims whitespace', () => {
    const { election } = votersOf('eligible_voters:\n  - alice \n  -\n  - ~\n  - ""\n  - "  bob"\n');
    expect(election?.voters).toEqual(['alice', 'bob']);
  });

  it('deduplicates case-insensitively, keeping the first spelling, with a warning per duplicate', () => {
    const { election, result } = votersOf('eligible_voters:\n  - Kauzclay\n  - alice\n  - kauzclay\n  - alice\n');
    expect(election?.voters).toEqual(['Kauzclay', 'alice']);
    expect(warningsOf(result).map((w) => w.line)).toEqual([4, 5]);
  });

  it('refuses a mapping without eligible_voters, or a mapping of voters, and sets the election aside', () => {
    for (const text of ['voters:\n  - alice\n', 'eligible_voters:\n  alice: yes\n', 'alice\n']) {
      const { election, result } = votersOf(text);
      expect(election).toBeUndefined();
      expect(errorsOf(result)).toHaveLength(1);
    }
  });
});

describe('R12: identities are compared case-insensitively', () => {
  it('deduplicates officers and voters by login, not by spelling', () => {
    const { election } = parseElection({ 'voters.yaml': 'eligible_voters:\n  - BenTheElder\n  - bentheelder\n  - BENTHEELDER\n' });
    expect(election?.voters).toEqual(['BenTheElder']);
  });
});

describe('R13: entries that are not logins', () => {
  it('keeps e-mails and names with spaces, with a warning each, and strips a leading @', () => {
    const { election, result } = votersOf('eligible_voters:\n  - someone@example.org\n  - Jane Doe\n  - "@handle"\n  - fine\n');
    expect(election?.voters).toEqual(['someone@example.org', 'Jane Doe', 'handle', 'fine']);
    expect(warningsOf(result).map((w) => w.line)).toEqual([2, 3, 4]);
    expect(errorsOf(result)).toEqual([]);
  });

  it('ignores nested lists or mappings in the list, with a warning', () => {
    const { election, result } = votersOf('eligible_voters:\n  - alice\n  - [x, y]\n  - {a: b}\n');
    expect(election?.voters).toEqual(['alice']);
    expect(warningsOf(result)).toHaveLength(2);
  });
});
