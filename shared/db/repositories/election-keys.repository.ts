import type { Knex } from 'knex';
import type { StoredElectionKeys } from '../../crypto/ballot-keyring.js';
import { isUniqueViolation } from '../dialect.js';

/** The row of `election_keys` for stored keys (also used by the migration that introduced them). */
export function electionKeysRow(k: StoredElectionKeys): Record<string, string | Buffer | null> {
  return {
    election_id: k.electionId,
    key_id: k.keyId,
    public_key: k.publicKey,
    public_key_mac: k.publicKeyMac,
    sealed_private_key: k.sealedPrivateKey,
    sealed_link_key: k.sealedLinkKey,
  };
}

function fromRow(r: Record<string, unknown>): StoredElectionKeys {
  const bytes = (v: unknown) => (v === null || v === undefined ? null : Buffer.from(v as Uint8Array));
  return {
    electionId: String(r.election_id),
    keyId: String(r.key_id),
    publicKey: bytes(r.public_key)!,
    publicKeyMac: bytes(r.public_key_mac)!,
    sealedPrivateKey: bytes(r.sealed_private_key),
    sealedLinkKey: bytes(r.sealed_link_key),
  };
}

/** Each election's ballot keys, wrapped under the master key (see shared/crypto/ballot-keyring.ts). */
export class ElectionKeysRepository {
  constructor(private readonly db: Knex) {}

  async find(electionId: string): Promise<StoredElectionKeys | null> {
    const row = await this.db('election_keys').where({ election_id: electionId }).first();
    return row ? fromRow(row) : null;
  }

  /** Stores new keys unless the election has some already; returns the keys it has now. */
  async insertOrGet(keys: StoredElectionKeys): Promise<StoredElectionKeys> {
    try {
      await this.db('election_keys').insert(electionKeysRow(keys));
      return keys;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return (await this.find(keys.electionId))!;
    }
  }

  /** The ids of elections that have no keys yet. */
  async electionsWithoutKeys(): Promise<string[]> {
    return this.db('elections').whereNotExists(this.db('election_keys').whereRaw('election_keys.election_id = elections.id')).pluck('id');
  }

  /**
   * Keys that still protect something: an election with sealed ballots, or with links that can
   * still be opened. A process whose master key cannot use these must not start.
   */
  async keysInUse(): Promise<Array<StoredElectionKeys & { electionKey: string }>> {
    const rows = await this.db('election_keys')
      .join('elections', 'elections.id', 'election_keys.election_id')
      .where((q) => q
        .whereExists(this.db('sealed_ballots').whereRaw('sealed_ballots.election_id = election_keys.election_id'))
        .orWhereExists(this.db('votes').whereRaw('votes.election_id = election_keys.election_id').whereNotNull('votes.sealed_link')))
      .orderBy('elections.key')
      .select('election_keys.*', 'elections.key as election_key');
    return rows.map((r: Record<string, unknown>) => ({ ...fromRow(r), electionKey: String(r.election_key) }));
  }

  /** Every stored row, for `urna keys rotate`. */
  async all(): Promise<StoredElectionKeys[]> {
    return (await this.db('election_keys').select('*')).map(fromRow);
  }

  /** Replaces one election's wrapped keys (rotation), if they are still those of `expectedKeyId`. */
  async replace(keys: StoredElectionKeys, expectedKeyId: string): Promise<boolean> {
    const { election_id: _, ...row } = electionKeysRow(keys);
    return (await this.db('election_keys').where({ election_id: keys.electionId, key_id: expectedKeyId }).update(row)) === 1;
  }

  /** At the count: the private key goes, and with `delete_after` the link key too. */
  async destroy(electionId: string, options: { linkKey: boolean }): Promise<void> {
    await this.db('election_keys').where({ election_id: electionId })
      .update(options.linkKey ? { sealed_private_key: null, sealed_link_key: null } : { sealed_private_key: null });
  }
}
