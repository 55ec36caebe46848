import { afterAll, describe, expect, it } from 'vitest';
import { parseMetaTree, readMetaDir } from '../../shared/domain/meta/index.js';
import { inThreadParser, ParsePool } from './parse-pool.js';

describe('ParsePool', () => {
  const pools: ParsePool[] = [];
  afterAll(async () => { await Promise.all(pools.map((p) => p.close())); });

  it('parses in worker threads exactly as in this thread, many trees at once', async () => {
    let failure: Error | undefined;
    const pool = new ParsePool(2, (err) => { failure = err; });
    pools.push(pool);
    const { tree } = await readMetaDir(new URL('../../test/fixtures/meta/mixed', import.meta.url).pathname);
    const results = await Promise.all(Array.from({ length: 5 }, () => pool.parse(tree)));
    for (const result of results) expect(result).toEqual(parseMetaTree(tree));
    expect(results[0]!.elections[0]!.start).toBeInstanceOf(Date);
    expect(failure).toBeUndefined(); // the workers did the parsing, no fallback
  });

  it('parses in this thread when it has no workers', async () => {
    const pool = new ParsePool(0);
    pools.push(pool);
    const tree = new Map([['a/election.yaml', 'name: [']]);
    expect(await pool.parse(tree)).toEqual(await inThreadParser(tree));
  });
});
