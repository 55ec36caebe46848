import { describe, expect, it } from 'vitest';
import { createTallyAccumulator } from './tally-accumulator.js';
import { tallySummary } from './tally.js';
import type { Ranking } from './types.js';

const candidates = ['A', 'B', 'C', 'D'];
const rankings: Ranking[] = [[['A'], ['B'], ['C']], [['B', 'A'], ['D']], [['A', 'B'], ['D']], [], [['C'], ['A']], [['D'], ['C'], ['B'], ['A']]];

describe('createTallyAccumulator', () => {
  it('groups identical rankings (tie order inside a group does not matter)', () => {
    const acc = createTallyAccumulator(candidates, 'last');
    for (let k = 0; k < 1000; k++) acc.add(rankings[k % rankings.length], 2);
    const summary = acc.finish();
    expect(summary.ballots).toBe(2000);
    expect(summary.rankings.size).toBe(rankings.length - 1); // B=A and A=B are one ranking
  });

  it('gives the same summary from JSON text, from objects, and with a tiny grouping cache', () => {
    const run = (fill: (acc: ReturnType<typeof createTallyAccumulator>) => void, maxCachedKeys?: number) => {
      const acc = createTallyAccumulator(candidates, 'ignored', { maxCachedKeys });
      fill(acc);
      return tallySummary(acc.finish(), { method: 'irv' });
    };
    const fromObjects = run((acc) => rankings.forEach((r, i) => acc.add(r, i + 1)));
    const fromJson = run((acc) => rankings.forEach((r, i) => acc.addJson(JSON.stringify(r), i + 1)));
    const uncached = run((acc) => rankings.forEach((r, i) => acc.addJson(JSON.stringify(r), i + 1)), 1);
    expect(fromJson).toEqual(fromObjects);
    expect(uncached).toEqual(fromObjects);
  });

  it('stops grouping JSON texts that rarely repeat, and still counts them right', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const permutations: string[][] = [];
    const permute = (rest: string[], done: string[]): void => {
      if (rest.length === 0) permutations.push(done);
      rest.forEach((c, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...done, c]));
    };
    permute(ids, []);
    const rankings = [...permutations.slice(0, 20_000), ...permutations.slice(0, 3_000)].map((p) => p.map((c) => [c]));
    const fromJson = createTallyAccumulator(ids);
    const fromObjects = createTallyAccumulator(ids);
    for (const r of rankings) {
      fromJson.addJson(JSON.stringify(r));
      fromObjects.add(r);
    }
    const a = fromJson.finish();
    const b = fromObjects.finish();
    expect(a.ballots).toBe(23_000);
    expect(Array.from(a.pairwise)).toEqual(Array.from(b.pairwise));
    expect(a.rankings.size).toBe(20_000); // repeats were still merged, by the ranking index
  });

  it('streams: each add is counted once, whatever the mix of forms', () => {
    const acc = createTallyAccumulator(['A', 'B']);
    acc.add([['A'], ['B']]);
    acc.addJson('[["A"],["B"]]', 3);
    acc.addJson('[["A"],["B"]]');
    acc.add([['B'], ['A']]);
    const { pairwise, ballots } = acc.finish();
    expect(ballots).toBe(6);
    expect(Array.from(pairwise)).toEqual([0, 5, 1, 0]);
  });

  it('rejects bad rankings with one-line messages', () => {
    const acc = createTallyAccumulator(['A', 'B']);
    expect(() => acc.add([['A'], ['Z']])).toThrow("unknown candidate 'Z'");
    expect(() => acc.add([['A'], ['A']])).toThrow("duplicate candidate 'A' in one ballot");
    expect(() => acc.add([['A', 'B', 'A']])).toThrow("duplicate candidate 'A' in one ballot");
    expect(() => acc.addJson('[["A"],')).toThrow('ranking is not valid JSON');
    expect(() => acc.addJson('{"A":1}')).toThrow('a ranking must be a list of groups of candidate ids');
    expect(() => acc.add([['A']], -1)).toThrow('ballot count must be a whole number of at least 1, not -1');
    acc.add([['A']]);
    expect(acc.finish().ballots).toBe(1); // rejected ballots were not counted
    expect(() => acc.add([['A']])).toThrow('already finished');
  });

  it('rejects an unknown unranked rule', () => {
    expect(() => createTallyAccumulator(['A'], 'first' as never)).toThrow("unranked must be 'ignored' or 'last', not 'first'");
  });
});
