import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { BallotLink } from '../db/repositories/votes.repository.js';
import { Semaphore } from './semaphore.js';

// The pointer from a vote row to its ballot, readable only with the voter's passphrase:
// key = Argon2id(passphrase, 16-byte salt) with the parameters stored beside it, then the ballot
// id sealed with AES-256-GCM. The associated data binds the sealed value to its election and
// voter, so a sealed link copied onto another vote row does not open.

export interface KdfParams {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

export class BallotSealer {
  private readonly gate: Semaphore;

  private readonly params: KdfParams;

  constructor(params: KdfParams, concurrency: number) {
    // Only the KDF's own parameters are stored with each link (config also carries `concurrency`).
    this.params = { memoryKiB: params.memoryKiB, passes: params.passes, parallelism: params.parallelism };
    this.gate = new Semaphore(concurrency);
  }

  /** Derivations running and waiting (for health and benchmarks). */
  get load(): { running: number; queued: number } {
    return { running: this.gate.running, queued: this.gate.queued };
  }

  async seal(passphrase: string, ballotId: string, context: LinkContext): Promise<BallotLink> {
    const salt = randomBytes(SALT_BYTES);
    const kdf = { alg: 'argon2id' as const, ...this.params };
    const key = await this.derive(passphrase, salt, kdf);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(context));
    const body = Buffer.concat([cipher.update(ballotId, 'utf8'), cipher.final()]);
    key.fill(0);
    return { kdf, salt, sealedBallot: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]) };
  }

  /** The ballot id, or null when the passphrase (or the link) does not match. */
  async open(passphrase: string, link: BallotLink, context: LinkContext): Promise<string | null> {
    const sealed = link.sealedBallot;
    if (link.kdf.alg !== 'argon2id' || sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null;
    const key = await this.derive(passphrase, link.salt, link.kdf);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(associatedData(context));
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    } finally {
      key.fill(0);
    }
  }

  /** One raw Argon2id derivation, through the concurrency gate. */
  derive(passphrase: string, salt: Buffer, params: KdfParams): Promise<Buffer> {
    return this.gate.run(() => argon2.hash(passphrase, {
      type: argon2.argon2id,
      raw: true,
      salt,
      memoryCost: params.memoryKiB,
      timeCost: params.passes,
      parallelism: params.parallelism,
      hashLength: 32,
    }));
  }
}

export interface LinkContext {
  electionId: string;
  userId: string;
}

function associatedData(c: LinkContext): Buffer {
  return Buffer.from(`urna-ballot-link:${VERSION}:${c.electionId}:${c.userId}`, 'utf8');
}
