import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { padRanking, SealedBallotError, sealBallot } from '../../shared/crypto/sealed-ballot.js';
import { openBallots } from './ballot-opening.js';

// The opening pool on its own: every ballot comes back exactly once whatever the page sizes and
// thread count, and one ballot that does not open fails the whole opening with SealedBallotError.

const { publicKey, privateKey } = generateKeyPairSync('x25519');
const rankings = Array.from({ length: 4_500 }, (_, i) => JSON.stringify([[`c${i % 7}`], [`c${(i + 1) % 7}`, `c${(i + 2) % 7}`]]));
const sealed = rankings.map((r) => sealBallot(publicKey, 'election-1', padRanking(r, 64)));

async function* pagesOf<T>(items: readonly T[], size: number): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

describe('openBallots', () => {
  it.each([[1, 4_500], [2, 2_100], [3, 4_500], [2, 500]])('with %i threads and pages of %i, returns every ranking once', async (threads, pageSize) => {
    const texts = await openBallots(privateKey, 'election-1', pagesOf(sealed, pageSize), threads);
    expect(texts.sort()).toEqual([...rankings].sort());
  });

  it('fails on a damaged ballot in a threaded page, without an unhandled rejection', async () => {
    const damaged = sealed.map((b) => Buffer.from(b));
    damaged[3_333]![damaged[3_333]!.length - 1]! ^= 1;
    await expect(openBallots(privateKey, 'election-1', pagesOf(damaged, 4_500), 2)).rejects.toThrow(SealedBallotError);
  });

  it('fails on a ballot sealed for another election', async () => {
    await expect(openBallots(privateKey, 'election-2', pagesOf(sealed, 4_500), 2)).rejects.toThrow(/does not open/);
  });
});
