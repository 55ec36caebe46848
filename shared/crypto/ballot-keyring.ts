import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

// The master ballot key (BALLOT_KEY) never enters the database. Everything an election needs to
// seal and open ballots lives there only wrapped or authenticated under keys derived from it:
//
//   BALLOT_KEY ─┬─ open key ──── wraps each election's X25519 private key   (sync creates, tally opens)
//               └─ web key ───┬─ bind key ─ HMAC binding each public key to its election
//                             ├─ link key wrap ─ wraps each election's link key
//                             └─ key id ── names the master key in each row (rotation, checks)
//
// A web process may be given only the web key (BALLOT_WEB_KEY): it can seal ballots and open
// links, but not open a ballot. Derivation is one-way, so the web key does not reveal the rest.

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_VERSION = 1;

export class BallotKeyError extends Error {}

/** One election's key material as the database stores it. */
export interface StoredElectionKeys {
  electionId: string;
  keyId: string;
  publicKey: Buffer;
  publicKeyMac: Buffer;
  /** Null once destroyed, after the count. */
  sealedPrivateKey: Buffer | null;
  /** Null once destroyed (`delete_after`, at the count). */
  sealedLinkKey: Buffer | null;
}

/** What the vote path needs: the verified public key and, while links may be made, the link key. */
export interface SealingKeys {
  publicKey: KeyObject;
  linkKey: Buffer | null;
}

export class BallotKeyring {
  /** The open key exists only in a keyring built from the master key. */
  private readonly openKey: Buffer | null;
  private readonly bindKey: Buffer;
  private readonly linkWrapKey: Buffer;
  /** Names this master key in stored rows; derived, so it reveals nothing of the key. */
  readonly keyId: string;

  private constructor(webKey: Buffer, openKey: Buffer | null) {
    this.openKey = openKey;
    this.bindKey = derive(webKey, 'bind');
    this.linkWrapKey = derive(webKey, 'link-wrap');
    this.keyId = derive(webKey, 'key-id').subarray(0, 8).toString('hex');
  }

  static fromMasterKey(master: Buffer): BallotKeyring {
    assertKeyLength(master, 'BALLOT_KEY');
    return new BallotKeyring(derive(master, 'web'), derive(master, 'open'));
  }

  static fromWebKey(webKey: Buffer): BallotKeyring {
    assertKeyLength(webKey, 'BALLOT_WEB_KEY');
    return new BallotKeyring(webKey, null);
  }

  /** The web key of a master key, for a web process that should not be able to open ballots. */
  static webKeyOf(master: Buffer): Buffer {
    assertKeyLength(master, 'BALLOT_KEY');
    return derive(master, 'web');
  }

  /** Whether this keyring can create election keys and open ballots (it holds the master key). */
  get canOpen(): boolean {
    return this.openKey !== null;
  }

  /** A fresh key pair and link key for an election, wrapped and bound for storage. */
  createElectionKeys(electionId: string): StoredElectionKeys {
    const openKey = this.requireOpenKey();
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const rawPublic = rawX25519(publicKey, 'public');
    const rawPrivate = rawX25519(privateKey, 'private');
    const linkKey = randomBytes(KEY_BYTES);
    const stored = {
      electionId,
      keyId: this.keyId,
      publicKey: rawPublic,
      publicKeyMac: this.publicKeyMac(electionId, rawPublic),
      sealedPrivateKey: wrap(openKey, `private:${electionId}`, rawPrivate),
      sealedLinkKey: wrap(this.linkWrapKey, `link:${electionId}`, linkKey),
    };
    rawPrivate.fill(0);
    linkKey.fill(0);
    return stored;
  }

  /**
   * The public key, refused unless it is bound to this election by this master key: a database
   * holder who swaps in a key pair of their own cannot make ballots sealed to it.
   */
  sealingKeys(stored: StoredElectionKeys): SealingKeys {
    this.assertOwnKey(stored);
    const expected = this.publicKeyMac(stored.electionId, stored.publicKey);
    if (stored.publicKeyMac.length !== expected.length || !timingSafeEqual(stored.publicKeyMac, expected)) {
      throw new BallotKeyError(`the public ballot key of election ${stored.electionId} is not the one Urna made for it (its binding does not verify); refusing to seal ballots with it`);
    }
    return {
      publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: stored.publicKey.toString('base64url') }, format: 'jwk' }),
      linkKey: stored.sealedLinkKey ? this.unwrapOrThrow(this.linkWrapKey, `link:${stored.electionId}`, stored.sealedLinkKey, 'link key') : null,
    };
  }

  /** The election's private key, for the count. */
  openingKey(stored: StoredElectionKeys): KeyObject {
    const openKey = this.requireOpenKey();
    this.assertOwnKey(stored);
    if (!stored.sealedPrivateKey) throw new BallotKeyError(`the private ballot key of election ${stored.electionId} was destroyed (its ballots were counted)`);
    const d = this.unwrapOrThrow(openKey, `private:${stored.electionId}`, stored.sealedPrivateKey, 'private key');
    const x = stored.publicKey.toString('base64url');
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: d.toString('base64url'), x }, format: 'jwk' });
    d.fill(0);
    if (!rawX25519(createPublicKey(key), 'public').equals(stored.publicKey)) {
      throw new BallotKeyError(`the private ballot key of election ${stored.electionId} does not match its public key`);
    }
    return key;
  }

  /** Why this keyring cannot use the stored keys (null when it can): for start-up and `urna keys check`. */
  problemWith(stored: StoredElectionKeys): string | null {
    try {
      this.sealingKeys(stored);
      if (this.canOpen && stored.sealedPrivateKey) this.openingKey(stored);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** The same election keys, wrapped and bound under another master key (`urna keys rotate`). */
  rewrapFor(target: BallotKeyring, stored: StoredElectionKeys): StoredElectionKeys {
    const { linkKey } = this.sealingKeys(stored);
    const targetOpen = target.requireOpenKey();
    let sealedPrivateKey: Buffer | null = null;
    if (stored.sealedPrivateKey) {
      const d = this.unwrapOrThrow(this.requireOpenKey(), `private:${stored.electionId}`, stored.sealedPrivateKey, 'private key');
      sealedPrivateKey = wrap(targetOpen, `private:${stored.electionId}`, d);
      d.fill(0);
    }
    return {
      electionId: stored.electionId,
      keyId: target.keyId,
      publicKey: stored.publicKey,
      publicKeyMac: target.publicKeyMac(stored.electionId, stored.publicKey),
      sealedPrivateKey,
      sealedLinkKey: linkKey ? wrap(target.linkWrapKey, `link:${stored.electionId}`, linkKey) : null,
    };
  }

  private publicKeyMac(electionId: string, rawPublic: Buffer): Buffer {
    return createHmac('sha256', this.bindKey).update(`urna/public-key/v1/${electionId}/`).update(rawPublic).digest();
  }

  private assertOwnKey(stored: StoredElectionKeys): void {
    if (stored.keyId !== this.keyId) {
      throw new BallotKeyError(`the keys of election ${stored.electionId} are wrapped under another master key (id ${stored.keyId}; this one is ${this.keyId})`);
    }
  }

  private requireOpenKey(): Buffer {
    if (!this.openKey) throw new BallotKeyError('this process holds only the web ballot key (BALLOT_WEB_KEY); creating election keys and opening ballots need BALLOT_KEY');
    return this.openKey;
  }

  private unwrapOrThrow(key: Buffer, purpose: string, sealed: Buffer, what: string): Buffer {
    const opened = unwrap(key, purpose, sealed);
    if (!opened) throw new BallotKeyError(`the ${what} of election ${purpose.split(':').slice(1).join(':')} does not open with this master key`);
    return opened;
  }
}

/** Reads a 32-byte key written as 64 hex digits or as base64. */
export function parseKey(text: string, name: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      : null;
  if (!key || key.length !== KEY_BYTES) throw new BallotKeyError(`${name}: expected 32 random bytes as 64 hex digits (openssl rand -hex 32) or base64`);
  return key;
}

export function newMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('hex');
}

function assertKeyLength(key: Buffer, name: string): void {
  if (key.length !== KEY_BYTES) throw new BallotKeyError(`${name}: expected ${KEY_BYTES} bytes`);
}

function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `urna/ballot-keys/v1/${purpose}`, KEY_BYTES));
}

/** AES-256-GCM with the purpose (which names the election) as associated data: a wrapped key moved to another election does not open. */
export function wrap(key: Buffer, purpose: string, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`urna/wrap/v1/${purpose}`));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([WRAP_VERSION]), iv, cipher.getAuthTag(), body]);
}

/** The wrapped bytes, or null when the key, the purpose or the bytes are wrong. */
export function unwrap(key: Buffer, purpose: string, sealed: Buffer): Buffer | null {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== WRAP_VERSION) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(`urna/wrap/v1/${purpose}`));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

export function rawX25519(key: KeyObject, part: 'public' | 'private'): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(String(part === 'public' ? jwk.x : jwk.d), 'base64url');
}
