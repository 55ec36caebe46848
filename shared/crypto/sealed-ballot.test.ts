import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BallotOpener, padRanking, rankingCapacity, sealBallot, SealedBallotError, unpadRanking } from './sealed-ballot.js';

const { publicKey, privateKey } = generateKeyPairSync('x25519');
const candidates = ['alice', 'bob', 'carol', 'dörte "d"'];
const capacity = rankingCapacity(candidates);

describe('sealed ballots', () => {
  it('open to the exact ranking text with the election\'s private key', () => {
    const ranking = JSON.stringify([['bob'], ['alice', 'dörte "d"']]);
    const sealed = sealBallot(publicKey, 'e1', padRanking(ranking, capacity));
    expect(unpadRanking(new BallotOpener(privateKey, 'e1').open(sealed))).toBe(ranking);
  });

  it('have one length for every ranking over the same candidates, the longest included', () => {
    const rankings = [[], [['alice']], [['alice', 'bob', 'carol', 'dörte "d"']], candidates.map((c) => [c])];
    const lengths = rankings.map((r) => sealBallot(publicKey, 'e1', padRanking(JSON.stringify(r), capacity)).length);
    expect(new Set(lengths).size).toBe(1);
  });

  it('seal identical rankings to unrelated bytes', () => {
    const plain = padRanking('[["alice"]]', capacity);
    const a = sealBallot(publicKey, 'e1', plain);
    const b = sealBallot(publicKey, 'e1', plain);
    let sameBytes = 0;
    for (let i = 1; i < a.length; i++) if (a[i] === b[i]) sameBytes++;
    expect(sameBytes).toBeLessThan(a.length / 16); // chance alone: about 1 in 256
  });

  it('do not open under another election, another key, or once tampered with', () => {
    const sealed = sealBallot(publicKey, 'e1', padRanking('[["alice"]]', capacity));
    expect(() => new BallotOpener(privateKey, 'e2').open(sealed)).toThrow(SealedBallotError);
    expect(() => new BallotOpener(generateKeyPairSync('x25519').privateKey, 'e1').open(sealed)).toThrow(SealedBallotError);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => new BallotOpener(privateKey, 'e1').open(tampered)).toThrow(SealedBallotError);
    expect(() => new BallotOpener(privateKey, 'e1').open(Buffer.alloc(10))).toThrow(SealedBallotError);
  });

  it('refuse a ranking longer than the candidates allow', () => {
    expect(() => padRanking(JSON.stringify([['alice'], ['someone-else-entirely']]), rankingCapacity(['alice']))).toThrow(SealedBallotError);
  });

  it('refuse a low-order ephemeral key (an all-zero shared secret)', () => {
    const sealed = sealBallot(publicKey, 'e1', padRanking('[["alice"]]', capacity));
    sealed.fill(0, 1, 33); // the point of order 1 (u = 0)
    expect(() => new BallotOpener(privateKey, 'e1').open(sealed)).toThrow(SealedBallotError);
  });

  it('open with a key rebuilt from its JWK, as the opening threads get it', () => {
    const jwk = privateKey.export({ format: 'jwk' });
    const rebuilt = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: String(jwk.d), x: String(jwk.x) }, format: 'jwk' });
    const sealed = sealBallot(publicKey, 'e1', padRanking('[["carol"]]', capacity));
    expect(unpadRanking(new BallotOpener(rebuilt, 'e1').open(sealed))).toBe('[["carol"]]');
  });
});
