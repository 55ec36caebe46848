// The team kit's vectors beside the checkout (../shared/fixtures/tally), when present: the same
// checker runs on whatever that file holds today, including cases this code has never seen.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkVector, type TallyVector } from './testdata/vector-checker.js';

const path = fileURLToPath(new URL('../../../../shared/fixtures/tally/vectors.json', import.meta.url));
const present = existsSync(path);
const vectors: TallyVector[] = present ? (JSON.parse(readFileSync(path, 'utf8')) as TallyVector[]) : [];

describe.skipIf(!present)('live tally vectors (../shared/fixtures/tally/vectors.json)', () => {
  it('is not empty', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    expect(checkVector(vector).failures).toEqual([]);
  });
});
