import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkVector, type TallyVector } from './testdata/vector-checker.js';

const load = (name: string): TallyVector[] => JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')) as TallyVector[];

describe.each(['published-vectors.json', 'more-published-vectors.json'])('%s', (file) => {
  const vectors = load(file);

  it('keeps a source for every vector', () => {
    expect(vectors.filter((v) => !v.source).map((v) => v.id)).toEqual([]);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    const report = checkVector(vector);
    expect(report.failures).toEqual([]);
    expect(report.checked.length + report.notApplicable.length).toBe(Object.keys(vector.expected).length);
  });
});
