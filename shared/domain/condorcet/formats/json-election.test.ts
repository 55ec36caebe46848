import { describe, expect, it } from 'vitest';
import { parseJsonElection, writeJsonElection } from './json-election.js';

describe('parseJsonElection', () => {
  it('reads candidates, ballots (count defaults to 1) and the unranked rule', () => {
    const text = '\uFEFF{"candidates":["A","B"],"unranked":"last","ballots":[{"ranking":[["A"],["B"]]},{"count":3,"ranking":[["A","B"]]}]}';
    expect(parseJsonElection(text)).toEqual({
      candidates: ['A', 'B'],
      unranked: 'last',
      ballots: [{ count: 1, ranking: [['A'], ['B']] }, { count: 3, ranking: [['A', 'B']] }],
    });
  });

  it('leaves the unranked rule to the caller when the file does not set it', () => {
    expect(parseJsonElection('{"candidates":["A"],"ballots":[]}').unranked).toBeUndefined();
  });

  it.each([
    ['{"candidates":', /^not valid JSON: /],
    ['[]', 'JSON input must be an object with "candidates" and "ballots"'],
    ['{"ballots":[]}', '"candidates" must be a list of candidate ids'],
    ['{"candidates":["A"]}', '"ballots" must be a list'],
    ['{"candidates":["A"],"ballots":[],"unranked":"first"}', '"unranked" must be "ignored" or "last", not "first"'],
    ['{"candidates":["A"],"ballots":[{"ranking":[["A"]]},{"ranking":[["B"]]}]}', "ballot 2: unknown candidate 'B'"],
    ['{"candidates":["A","B"],"ballots":[{"ranking":[["A"],["B","A"]]}]}', "ballot 1: duplicate candidate 'A' in one ballot"],
    ['{"candidates":["A"],"ballots":[{"ranking":["A"]}]}', 'ballot 1: rank 1 must be a non-empty list of candidate ids'],
    ['{"candidates":["A"],"ballots":[{"count":0,"ranking":[]}]}', 'ballot 1: "count" must be a whole number of at least 1, not 0'],
    ['{"candidates":["A"],"ballots":[7]}', 'ballot 1: must be an object with a "ranking"'],
  ])('%s → %s', (text, message) => {
    expect(() => parseJsonElection(text)).toThrow(message);
  });

  it('round-trips through writeJsonElection', () => {
    const ballots = [{ count: 2, ranking: [['B'], ['A']] }];
    expect(parseJsonElection(writeJsonElection(['A', 'B'], ballots, 'ignored'))).toEqual({ candidates: ['A', 'B'], unranked: 'ignored', ballots });
  });
});
