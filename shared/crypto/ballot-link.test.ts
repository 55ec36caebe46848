import { describe, expect, it } from 'vitest';
import { BallotSealer } from './ballot-link.js';

// The smallest parameters the config allows, so the tests stay fast; the code path is the same.
const sealer = new BallotSealer({ memoryKiB: 8 * 1024, passes: 1, parallelism: 1 }, 2);
const ctx = { electionId: 'e1', userId: 'u1' };

describe('BallotSealer', () => {
  it('round-trips the ballot id with the right passphrase and stores its parameters', async () => {
    const link = await sealer.seal('correct horse', 'ballot-123', ctx);
    expect(link.kdf).toEqual({ alg: 'argon2id', memoryKiB: 8192, passes: 1, parallelism: 1 });
    expect(link.salt.length).toBe(16);
    expect(link.sealedBallot.includes(Buffer.from('ballot-123'))).toBe(false);
    expect(await sealer.open('correct horse', link, ctx)).toBe('ballot-123');
  });

  it('returns null for a wrong passphrase, another voter or election, or a tampered link', async () => {
    const link = await sealer.seal('correct horse', 'ballot-123', ctx);
    expect(await sealer.open('correct horsE', link, ctx)).toBeNull();
    expect(await sealer.open('correct horse', link, { ...ctx, userId: 'u2' })).toBeNull();
    expect(await sealer.open('correct horse', link, { ...ctx, electionId: 'e2' })).toBeNull();
    const tampered = Buffer.from(link.sealedBallot);
    tampered[tampered.length - 1] ^= 1;
    expect(await sealer.open('correct horse', { ...link, sealedBallot: tampered }, ctx)).toBeNull();
    expect(await sealer.open('correct horse', { ...link, sealedBallot: Buffer.alloc(3) }, ctx)).toBeNull();
  });

  it('stores only the KDF parameters, whatever else the config object carries', async () => {
    const fromConfig = new BallotSealer({ memoryKiB: 8192, passes: 1, parallelism: 1, concurrency: 4 } as never, 1);
    expect((await fromConfig.seal('pw-pw-pw', 'b', ctx)).kdf).toEqual({ alg: 'argon2id', memoryKiB: 8192, passes: 1, parallelism: 1 });
  });

  it('uses a fresh salt and nonce every time', async () => {
    const a = await sealer.seal('pw-pw-pw', 'b', ctx);
    const b = await sealer.seal('pw-pw-pw', 'b', ctx);
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.sealedBallot.equals(b.sealedBallot)).toBe(false);
  });

  it('opens a link with the parameters stored on it, not the current ones', async () => {
    const old = new BallotSealer({ memoryKiB: 9 * 1024, passes: 2, parallelism: 1 }, 1);
    const link = await old.seal('passphrase', 'ballot-x', ctx);
    expect(await sealer.open('passphrase', link, ctx)).toBe('ballot-x');
  });

  it('passes non-ASCII passphrases through unchanged', async () => {
    const link = await sealer.seal('pässwörd ✓', 'b', ctx);
    expect(await sealer.open('pässwörd ✓', link, ctx)).toBe('b');
    expect(await sealer.open('passwörd ✓', link, ctx)).toBeNull();
  });
});
