import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { unwrap, wrap } from './ballot-keyring.js';
import { Semaphore } from './semaphore.js';

// The link from a vote row to its ballot, present only when the voter set a passphrase. It holds
// what viewing and revoking need: the ballot id and a copy of the (padded) ranking, so the web
// process never opens the sealed ballot itself. Two layers:
//   inner: AES-256-GCM under Argon2id(passphrase, salt), the KDF parameters and salt beside it;
//   outer: AES-256-GCM under the election's link key (wrapped under BALLOT_KEY in the database).
// The outer layer is what `delete_after` shreds: once the link key is destroyed at the count, no
// copy of a link (in the WAL, a replica, a backup) opens, even with the passphrase. Both layers
// bind the link to its election and voter, so a link copied onto another vote row does not open.

export interface KdfParams {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

export interface LinkContext {
  electionId: string;
  userId: string;
}

/** What a link opens to. `paddedRanking` is null for links made before ballots were sealed. */
export interface LinkContents {
  ballotId: string;
  paddedRanking: Buffer | null;
}

/** Every key-derivation slot is taken and the queue is full: the caller answers 503. */
export class KdfBusyError extends Error {
  constructor() {
    super('Too many ballots are being protected with passphrases right now.');
  }
}

const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Links migrated from before sealing: the inner layer holds the ballot id only. */
const LEGACY = 1;
const CURRENT = 2;
const PARAMS_BYTES = 1 + 4 + 1 + 1 + SALT_BYTES;

export class BallotLinks {
  private readonly gate: Semaphore;

  private readonly params: KdfParams;

  constructor(params: KdfParams, concurrency: number, maxQueued = Number.POSITIVE_INFINITY) {
    // Only the KDF's own parameters are stored with each link (config also carries `concurrency`).
    this.params = { memoryKiB: params.memoryKiB, passes: params.passes, parallelism: params.parallelism };
    this.gate = new Semaphore(concurrency, maxQueued);
  }

  /** Derivations running and waiting (for health and benchmarks). */
  get load(): { running: number; queued: number } {
    return { running: this.gate.running, queued: this.gate.queued };
  }

  /** Seals a new link. Throws KdfBusyError when the derivation queue is full. */
  async seal(passphrase: string, contents: { ballotId: string; paddedRanking: Buffer }, context: LinkContext, linkKey: Buffer): Promise<Buffer> {
    const salt = randomBytes(SALT_BYTES);
    const header = paramsHeader(CURRENT, this.params, salt);
    const key = await this.derive(passphrase, salt, this.params);
    const id = Buffer.from(contents.ballotId, 'utf8');
    const inner = Buffer.concat([header, aesSeal(key, innerData(context, CURRENT), Buffer.concat([Buffer.from([id.length]), id, contents.paddedRanking]))]);
    key.fill(0);
    return wrap(linkKey, outerPurpose(context), inner);
  }

  /** What the link holds, or null when the passphrase (or the link, or the link key) does not match. */
  async open(passphrase: string, link: Buffer, context: LinkContext, linkKey: Buffer): Promise<LinkContents | null> {
    const inner = unwrap(linkKey, outerPurpose(context), link);
    if (!inner || inner.length < PARAMS_BYTES || (inner[0] !== LEGACY && inner[0] !== CURRENT)) return null;
    const version = inner[0]!;
    const params = { memoryKiB: inner.readUInt32BE(1), passes: inner[5]!, parallelism: inner[6]! };
    const salt = inner.subarray(7, PARAMS_BYTES);
    const body = inner.subarray(PARAMS_BYTES);
    const key = await this.derive(passphrase, salt, params);
    try {
      if (version === LEGACY) {
        // Before sealing, the link was `[1] iv tag AES-GCM(ballot id)` with its own associated data.
        if (body[0] !== 1) return null;
        const id = aesOpen(key, Buffer.from(`urna-ballot-link:1:${context.electionId}:${context.userId}`, 'utf8'), body.subarray(1));
        return id ? { ballotId: id.toString('utf8'), paddedRanking: null } : null;
      }
      const plain = aesOpen(key, innerData(context, CURRENT), body);
      if (!plain) return null;
      const idLength = plain[0]!;
      return { ballotId: plain.toString('utf8', 1, 1 + idLength), paddedRanking: plain.subarray(1 + idLength) };
    } finally {
      key.fill(0);
    }
  }

  /** Wraps a link sealed before ballots were sealed (kdf, salt, sealed id) in today's format: for the migration. */
  static fromLegacy(legacy: { kdf: KdfParams; salt: Buffer; sealedBallot: Buffer }, context: LinkContext, linkKey: Buffer): Buffer {
    return wrap(linkKey, outerPurpose(context), Buffer.concat([paramsHeader(LEGACY, legacy.kdf, legacy.salt), legacy.sealedBallot]));
  }

  /** One raw Argon2id derivation, through the bounded gate. */
  derive(passphrase: string, salt: Buffer, params: KdfParams): Promise<Buffer> {
    return this.gate.run(() => argon2.hash(passphrase, {
      type: argon2.argon2id,
      raw: true,
      salt,
      memoryCost: params.memoryKiB,
      timeCost: params.passes,
      parallelism: params.parallelism,
      hashLength: 32,
    }), () => new KdfBusyError());
  }
}

function paramsHeader(version: number, params: KdfParams, salt: Buffer): Buffer {
  const header = Buffer.alloc(PARAMS_BYTES);
  header[0] = version;
  header.writeUInt32BE(params.memoryKiB, 1);
  header[5] = params.passes;
  header[6] = params.parallelism;
  salt.copy(header, 7);
  return header;
}

function outerPurpose(c: LinkContext): string {
  return `vote-link:${c.electionId}:${c.userId}`;
}

function innerData(c: LinkContext, version: number): Buffer {
  return Buffer.from(`urna-ballot-link:${version}:${c.electionId}:${c.userId}`, 'utf8');
}

function aesSeal(key: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function aesOpen(key: Buffer, aad: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}
