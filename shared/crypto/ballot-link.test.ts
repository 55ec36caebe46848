import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BallotLinks, KdfBusyError } from './ballot-link.js';
import { padRanking } from './sealed-ballot.js';

// The smallest parameters the config allows, so the tests stay fast; the code path is the same.
const links = new BallotLinks({ memoryKiB: 8 * 1024, passes: 1, parallelism: 1 }, 2);
const ctx = { electionId: 'e1', userId: 'u1' };
const linkKey = randomBytes(32);
const contents = { ballotId: 'ballot-123', paddedRanking: padRanking('[["alice"],["bob"]]', 40) };

describe('BallotLinks', () => {
  it('round-trips the ballot id and the padded ranking with the right passphrase and link key', async () => {
    const link = await links.seal('correct horse', contents, ctx, linkKey);
    expect(link.includes(Buffer.from('ballot-123'))).toBe(false);
    expect(link.includes(Buffer.from('alice'))).toBe(false);
    expect(await links.open('correct horse', link, ctx, linkKey)).toEqual(contents);
  });

  it('returns null for a wrong passphrase, link key, voter or election, or a tampered link', async () => {
    const link = await links.seal('correct horse', contents, ctx, linkKey);
    expect(await links.open('correct horsE', link, ctx, linkKey)).toBeNull();
    expect(await links.open('correct horse', link, ctx, randomBytes(32))).toBeNull();
    expect(await links.open('correct horse', link, { ...ctx, userId: 'u2' }, linkKey)).toBeNull();
    expect(await links.open('correct horse', link, { ...ctx, electionId: 'e2' }, linkKey)).toBeNull();
    const tampered = Buffer.from(link);
    tampered[tampered.length - 1]! ^= 1;
    expect(await links.open('correct horse', tampered, ctx, linkKey)).toBeNull();
    expect(await links.open('correct horse', Buffer.alloc(3), ctx, linkKey)).toBeNull();
  });

  it('has one length for every ranking of an election, and fresh bytes every time', async () => {
    const a = await links.seal('pw-pw-pw', contents, ctx, linkKey);
    const b = await links.seal('pw-pw-pw', contents, ctx, linkKey);
    const c = await links.seal('pw-pw-pw', { ballotId: 'ballot-456', paddedRanking: padRanking('[["bob","alice"]]', 40) }, ctx, linkKey);
    expect(a.equals(b)).toBe(false);
    expect(new Set([a.length, b.length, c.length]).size).toBe(1);
  });

  it('opens a link with the KDF parameters stored in it, not the current ones', async () => {
    const old = new BallotLinks({ memoryKiB: 9 * 1024, passes: 2, parallelism: 1 }, 1);
    const link = await old.seal('passphrase', contents, ctx, linkKey);
    expect(await links.open('passphrase', link, ctx, linkKey)).toEqual(contents);
  });

  it('passes non-ASCII passphrases through unchanged', async () => {
    const link = await links.seal('pässwörd ✓', contents, ctx, linkKey);
    expect(await links.open('pässwörd ✓', link, ctx, linkKey)).toEqual(contents);
    expect(await links.open('passwörd ✓', link, ctx, linkKey)).toBeNull();
  });

  it('opens a link migrated from before sealing to its ballot id alone', async () => {
    // The old format: [1] iv tag AES-GCM(ballot id) under Argon2id(passphrase, salt).
    const { createCipheriv } = await import('node:crypto');
    const salt = randomBytes(16);
    const kdf = { memoryKiB: 8192, passes: 1, parallelism: 1 };
    const key = await links.derive('old passphrase', salt, kdf);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`urna-ballot-link:1:${ctx.electionId}:${ctx.userId}`));
    const body = Buffer.concat([cipher.update('old-ballot', 'utf8'), cipher.final()]);
    const sealedBallot = Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
    const link = BallotLinks.fromLegacy({ kdf, salt, sealedBallot }, ctx, linkKey);
    expect(await links.open('old passphrase', link, ctx, linkKey)).toEqual({ ballotId: 'old-ballot', paddedRanking: null });
    expect(await links.open('wrong passphrase', link, ctx, linkKey)).toBeNull();
  });

  it('refuses at once when every derivation slot is busy and the queue is full', async () => {
    const tight = new BallotLinks({ memoryKiB: 8192, passes: 1, parallelism: 1 }, 1, 1);
    const results = await Promise.allSettled([0, 1, 2].map(() => tight.seal('passphrase', contents, ctx, linkKey)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(KdfBusyError);
  });
});
