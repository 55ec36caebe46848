import { describe, expect, it } from 'vitest';
import { electionYaml, errorsOf, parseElection, warningsOf } from '../../../test/fixtures/meta/meta-tree-helpers.js';

const withSettings = (options: Parameters<typeof electionYaml>[0]) => parseElection({ 'election.yaml': electionYaml(options) });

describe('R6: election datetimes', () => {
  it('reads the real zoneless form as UTC', () => {
    const { election } = withSettings({});
    expect(election?.start.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(election?.end.toISOString()).toBe('2024-05-14T23:59:59.000Z');
  });

  it('accepts a non-padded day, a T separator, an offset and a trailing comment', () => {
    const { election, result } = withSettings({
      replace: { start_datetime: 'start_datetime: 2024-05-1 09:00:00 # local time?', end_datetime: "end_datetime: '2024-05-14T23:59:59+02:00'" },
    });
    expect(election?.start.toISOString()).toBe('2024-05-01T09:00:00.000Z');
    expect(election?.end.toISOString()).toBe('2024-05-14T21:59:59.000Z');
    expect(result.problems).toEqual([]);
  });

  it('reads a date-only value as midnight UTC, with a warning', () => {
    const { election, result } = withSettings({ replace: { end_datetime: 'end_datetime: 2024-05-15' } });
    expect(election?.end.toISOString()).toBe('2024-05-15T00:00:00.000Z');
    expect(warningsOf(result)).toMatchObject([{ path: 'e/election.yaml', line: 4 }]);
  });

  it('sets the election aside when a date is missing or invalid', () => {
    for (const options of [{ drop: ['start_datetime'] }, { replace: { end_datetime: 'end_datetime: next tuesday' } }]) {
      const { election, result } = withSettings(options);
      expect(election).toBeUndefined();
      expect(result.brokenElections).toEqual([{ key: 'e', path: 'e' }]);
      expect(errorsOf(result)).toHaveLength(1);
    }
  });
});

describe('R7: exception_due', () => {
  it('falls back to the docs spelling exceptions_due', () => {
    const { election } = withSettings({ replace: { exception_due: 'exceptions_due: 2024-05-12 00:00:00' } });
    expect(election?.exceptionDue.toISOString()).toBe('2024-05-12T00:00:00.000Z');
  });

  it('prefers exception_due when both are present', () => {
    const { election } = withSettings({ extra: 'exceptions_due: 2024-05-12 00:00:00\n' });
    expect(election?.exceptionDue.toISOString()).toBe('2024-05-10T00:00:00.000Z');
  });

  it('defaults to start_datetime when absent', () => {
    const { election, result } = withSettings({ drop: ['exception_due'] });
    expect(election?.exceptionDue.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(result.problems).toEqual([]);
  });

  it('is not range-checked against start and end', () => {
    const { election, result } = withSettings({ replace: { exception_due: 'exception_due: 2023-01-01 00:00:00' } });
    expect(election?.exceptionDue.toISOString()).toBe('2023-01-01T00:00:00.000Z');
    expect(result.problems).toEqual([]);
  });

  it('falls back to start with a warning when unreadable', () => {
    const { election, result } = withSettings({ replace: { exception_due: 'exception_due: soon' } });
    expect(election?.exceptionDue).toEqual(election?.start);
    expect(warningsOf(result)).toHaveLength(1);
  });
});

describe('R8: booleans', () => {
  it.each([
    ['True', 'False', true, false],
    ['true', 'false', true, false],
    ['yes', 'no', true, false],
    ['On', 'OFF', true, false],
  ])('reads %s / %s', (yes, no, a, b) => {
    const { election, result } = withSettings({ replace: { allow_no_opinion: `allow_no_opinion: ${yes}`, delete_after: `delete_after: ${no}` } });
    expect([election?.allowNoOpinion, election?.deleteAfter]).toEqual([a, b]);
    expect(result.problems).toEqual([]);
  });

  it('defaults both to true when missing, and warns on an unreadable value', () => {
    expect(withSettings({ drop: ['allow_no_opinion', 'delete_after'] }).election).toMatchObject({ allowNoOpinion: true, deleteAfter: true });
    const { election, result } = withSettings({ replace: { delete_after: 'delete_after: maybe' } });
    expect(election?.deleteAfter).toBe(true);
    expect(warningsOf(result)).toHaveLength(1);
  });
});

describe('R9: show_candidate_fields', () => {
  it.each([
    ['missing', undefined, []],
    ['null', 'show_candidate_fields:', []],
    ['[null]', 'show_candidate_fields:\n  - ', []],
    ['a list', 'show_candidate_fields:\n  - employer\n  - slack', ['employer', 'slack']],
    ['a list with nulls and blanks', 'show_candidate_fields: [employer, null, "", " slack "]', ['employer', 'slack']],
    ['a single word', 'show_candidate_fields: employer', ['employer']],
  ])('normalises %s', (_label, line, expected) => {
    const options = line === undefined ? { drop: ['show_candidate_fields'] } : { replace: { show_candidate_fields: line } };
    const { election, result } = withSettings(options);
    expect(election?.showCandidateFields).toEqual(expected);
    expect(errorsOf(result)).toEqual([]);
  });
});

describe('R10: loosely typed text and numbers', () => {
  it('keeps block scalars, quotes and markdown links in eligibility/exception_description', () => {
    const { election } = withSettings({
      replace: {
        eligibility: 'eligibility: |\n  Members, see [the guide](https://example.org/guide).\n  Second line.\n',
        exception_description: 'exception_description: "Handle: officer. Or https://example.org"',
      },
    });
    expect(election?.eligibility).toBe('Members, see [the guide](https://example.org/guide).\nSecond line.');
    expect(election?.exceptionDescription).toBe('Handle: officer. Or https://example.org');
  });

  it('reads no_winners as an int and ignores unknown keys', () => {
    const { election, result } = withSettings({ replace: { no_winners: 'no_winners: 3' }, extra: 'condorcet_method: schulze\nfuture: [1, 2]\n' });
    expect(election?.noWinners).toBe(3);
    expect(result.problems).toEqual([]);
  });

  it('reads the optional tally method name', () => {
    expect(withSettings({ extra: 'method: schulze\n' }).election?.method).toBe('schulze');
    expect(withSettings({}).election?.method).toBeNull();
  });

  it('defaults no_winners to 1 with a warning, and refuses a value that is not a positive whole number', () => {
    const missing = withSettings({ drop: ['no_winners'] });
    expect(missing.election?.noWinners).toBe(1);
    expect(warningsOf(missing.result)).toHaveLength(1);
    for (const bad of ['two', '0', '1.5', '[2]']) {
      const { election, result } = withSettings({ replace: { no_winners: `no_winners: ${bad}` } });
      expect(election).toBeUndefined();
      expect(errorsOf(result)).toMatchObject([{ line: 5 }]);
    }
  });

  it('falls back to the key when name is missing, and to "" for organization', () => {
    const { election, result } = withSettings({ drop: ['name', 'organization'] });
    expect(election).toMatchObject({ name: 'e', organization: '' });
    expect(warningsOf(result)).toHaveLength(1);
  });

  it('reads officers as trimmed logins, deduplicated case-insensitively', () => {
    const { election, result } = withSettings({ replace: { election_officers: 'election_officers:\n  - " Kauzclay "\n  - kauzclay\n  - 007vedant\n  -\n' } });
    expect(election?.officers).toEqual(['Kauzclay', '007vedant']);
    expect(warningsOf(result)).toHaveLength(1);
  });

  it('sets the election aside when election.yaml is empty or not a mapping', () => {
    for (const text of ['', '# nothing\n', '- a\n- b\n', 'just text\n']) {
      const { election, result } = parseElection({ 'election.yaml': text });
      expect(election).toBeUndefined();
      expect(errorsOf(result)).toHaveLength(1);
    }
  });

  it('lets the last duplicate key win, as PyYAML does, with a warning', () => {
    const { election, result } = withSettings({ extra: 'no_winners: 4\n' });
    expect(election?.noWinners).toBe(4);
    expect(warningsOf(result)[0]?.message).toMatch(/duplicate key "no_winners"/);
  });
});

describe('R22: light semantic checks only', () => {
  it('accepts end = start + 1s, exception_due outside [start, end] and no candidates', () => {
    const { election, result } = withSettings({
      replace: { end_datetime: 'end_datetime: 2024-05-01 00:00:01', exception_due: 'exception_due: 2024-06-01 00:00:00' },
    });
    expect(election?.candidates).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('sets the election aside when end is before start (a judgement call: error, not warning)', () => {
    const { election, result } = withSettings({ replace: { end_datetime: 'end_datetime: 2024-04-30 23:59:59' } });
    expect(election).toBeUndefined();
    expect(result.brokenElections).toEqual([{ key: 'e', path: 'e' }]);
    expect(errorsOf(result)).toMatchObject([{ path: 'e/election.yaml', line: 4, message: expect.stringMatching(/before/) }]);
  });
});
