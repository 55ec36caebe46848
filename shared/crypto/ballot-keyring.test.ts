import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BallotKeyError, BallotKeyring, parseKey, rawX25519 } from './ballot-keyring.js';
import { BallotOpener, padRanking, sealBallot, unpadRanking } from './sealed-ballot.js';

const master = randomBytes(32);
const keyring = BallotKeyring.fromMasterKey(master);

describe('BallotKeyring', () => {
  it('makes election keys whose public key seals what the private key opens', () => {
    const stored = keyring.createElectionKeys('e1');
    const { publicKey, linkKey } = keyring.sealingKeys(stored);
    expect(linkKey).toHaveLength(32);
    const sealed = sealBallot(publicKey, 'e1', padRanking('[["a"]]', 20));
    expect(unpadRanking(new BallotOpener(keyring.openingKey(stored), 'e1').open(sealed))).toBe('[["a"]]');
  });

  it('stores no key in clear: the private and link keys are wrapped, the public key only bound', () => {
    const stored = keyring.createElectionKeys('e1');
    const privateRaw = rawX25519(keyring.openingKey(stored), 'private');
    const linkKey = keyring.sealingKeys(stored).linkKey!;
    const everything = Buffer.concat([stored.publicKey, stored.publicKeyMac, stored.sealedPrivateKey!, stored.sealedLinkKey!]);
    expect(everything.includes(privateRaw)).toBe(false);
    expect(everything.includes(linkKey)).toBe(false);
    expect(everything.includes(master)).toBe(false);
  });

  it('refuses a public key swapped in by someone without the master key', () => {
    const stored = keyring.createElectionKeys('e1');
    const theirs = rawX25519(generateKeyPairSync('x25519').publicKey, 'public');
    expect(() => keyring.sealingKeys({ ...stored, publicKey: theirs })).toThrow(/binding does not verify/);
    // Nor can keys be moved from one election to another.
    expect(() => keyring.sealingKeys({ ...stored, electionId: 'e2' })).toThrow(BallotKeyError);
    expect(() => keyring.openingKey({ ...stored, electionId: 'e2' })).toThrow(BallotKeyError);
  });

  it('under another master key, names the difference instead of failing later', () => {
    const stored = keyring.createElectionKeys('e1');
    const other = BallotKeyring.fromMasterKey(randomBytes(32));
    expect(other.problemWith(stored)).toMatch(/another master key/);
    expect(keyring.problemWith(stored)).toBeNull();
    // Same id but wrong bytes (a forged key id): the binding still fails.
    expect(other.problemWith({ ...stored, keyId: other.keyId })).toMatch(/binding does not verify/);
  });

  it('gives a web process only what sealing needs: it cannot open ballots nor make keys', () => {
    const web = BallotKeyring.fromWebKey(BallotKeyring.webKeyOf(master));
    const stored = keyring.createElectionKeys('e1');
    expect(web.keyId).toBe(keyring.keyId);
    expect(web.canOpen).toBe(false);
    expect(web.sealingKeys(stored).linkKey!.equals(keyring.sealingKeys(stored).linkKey!)).toBe(true);
    expect(() => web.openingKey(stored)).toThrow(/BALLOT_KEY/);
    expect(() => web.createElectionKeys('e2')).toThrow(/BALLOT_KEY/);
    expect(web.problemWith(stored)).toBeNull();
  });

  it('re-wraps every key under a new master key, keeping the key pair and link key', () => {
    const stored = keyring.createElectionKeys('e1');
    const next = BallotKeyring.fromMasterKey(randomBytes(32));
    const moved = keyring.rewrapFor(next, stored);
    expect(moved.keyId).toBe(next.keyId);
    expect(moved.publicKey.equals(stored.publicKey)).toBe(true);
    expect(next.sealingKeys(moved).linkKey!.equals(keyring.sealingKeys(stored).linkKey!)).toBe(true);
    expect(rawX25519(next.openingKey(moved), 'private').equals(rawX25519(keyring.openingKey(stored), 'private'))).toBe(true);
    expect(keyring.problemWith(moved)).toMatch(/another master key/);
    // Destroyed keys stay destroyed.
    const counted = keyring.rewrapFor(next, { ...stored, sealedPrivateKey: null, sealedLinkKey: null });
    expect([counted.sealedPrivateKey, counted.sealedLinkKey]).toEqual([null, null]);
  });

  it('reads keys as hex or base64 and refuses anything else', () => {
    const key = randomBytes(32);
    expect(parseKey(key.toString('hex'), 'K').equals(key)).toBe(true);
    expect(parseKey(` ${key.toString('base64')}\n`, 'K').equals(key)).toBe(true);
    expect(parseKey(key.toString('base64url'), 'K').equals(key)).toBe(true);
    for (const bad of ['', 'short', 'z'.repeat(64), randomBytes(16).toString('hex'), randomBytes(33).toString('base64')]) {
      expect(() => parseKey(bad, 'BALLOT_KEY')).toThrow(/BALLOT_KEY: expected 32 random bytes/);
    }
  });
});
