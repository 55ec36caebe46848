import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { rawX25519 } from './ballot-keyring.js';

// A ballot at rest: its ranking sealed to the election's X25519 public key (an ECIES "sealed
// box": a fresh ephemeral key pair per ballot, X25519, SHA-256 over the shared secret and both
// public keys, AES-256-GCM). Only the holder of the election's private key (the tally worker)
// can open it; two identical rankings seal to unrelated bytes. The plaintext is the ranking's
// JSON padded with spaces to the longest ranking the election's candidates allow, so the sealed
// length depends on the candidate list only, never on the ranking.

const VERSION = 1;
const PUBLIC_BYTES = 32;
const TAG_BYTES = 16;
const HEADER = 1 + PUBLIC_BYTES + TAG_BYTES;
// Each ephemeral key is used once, so a fixed nonce is safe (as in libsodium's sealed boxes).
const NONCE = Buffer.alloc(12);

export class SealedBallotError extends Error {}

/** Bytes of the longest ranking JSON over these candidates: `[` `]`, and per candidate its JSON string and up to three brackets or commas. */
export function rankingCapacity(candidateKeys: readonly string[]): number {
  return 2 + candidateKeys.reduce((sum, k) => sum + Buffer.byteLength(JSON.stringify(k)) + 3, 0);
}

/** The ranking as JSON, padded with spaces to the election's capacity. */
export function padRanking(rankingJson: string, capacity: number): Buffer {
  const out = Buffer.alloc(capacity, 0x20);
  const written = out.write(rankingJson, 'utf8');
  if (written !== Buffer.byteLength(rankingJson)) throw new SealedBallotError('the ranking is longer than the election\'s candidates allow');
  return out;
}

/** The padded plaintext back to the ranking's JSON text. */
export function unpadRanking(padded: Buffer): string {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0x20) end--;
  return padded.toString('utf8', 0, end);
}

export function sealBallot(publicKey: KeyObject, electionId: string, plaintext: Buffer): Buffer {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = rawX25519(ephemeral.publicKey, 'public');
  const key = sharedKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey }), ephemeralPublic, rawX25519(publicKey, 'public'));
  const cipher = createCipheriv('aes-256-gcm', key, NONCE);
  cipher.setAAD(associatedData(electionId));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), ephemeralPublic, cipher.getAuthTag(), body]);
}

/** Opens sealed ballots of one election with its private key; throws on a ballot that does not open. */
export class BallotOpener {
  private readonly recipientPublic: Buffer;

  constructor(private readonly privateKey: KeyObject, private readonly electionId: string) {
    this.recipientPublic = rawX25519(createPublicKey(privateKey), 'public');
  }

  open(sealed: Uint8Array): Buffer {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (bytes.length < HEADER || bytes[0] !== VERSION) throw new SealedBallotError('a sealed ballot is malformed');
    const ephemeralPublic = bytes.subarray(1, 1 + PUBLIC_BYTES);
    try {
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: ephemeralPublic.toString('base64url') }, format: 'jwk' });
      const key = sharedKey(diffieHellman({ privateKey: this.privateKey, publicKey }), ephemeralPublic, this.recipientPublic);
      const decipher = createDecipheriv('aes-256-gcm', key, NONCE);
      decipher.setAAD(associatedData(this.electionId));
      decipher.setAuthTag(bytes.subarray(1 + PUBLIC_BYTES, HEADER));
      return Buffer.concat([decipher.update(bytes.subarray(HEADER)), decipher.final()]);
    } catch {
      throw new SealedBallotError('a sealed ballot does not open with its election\'s key (damaged, or moved from another election)');
    }
  }
}

function sharedKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  // A low-order ephemeral key gives an all-zero secret: refuse it rather than encrypt under a known key.
  if (shared.every((b) => b === 0)) throw new SealedBallotError('a sealed ballot carries an invalid ephemeral key');
  return createHash('sha256').update('urna/sealed-ballot/v1').update(shared).update(ephemeralPublic).update(recipientPublic).digest();
}

function associatedData(electionId: string): Buffer {
  return Buffer.from(`urna/sealed-ballot/v1/${electionId}`);
}
