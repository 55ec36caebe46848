import { BallotKeyError, type BallotKeyring, type SealingKeys, type StoredElectionKeys } from '../crypto/ballot-keyring.js';
import type { ElectionKeysRepository } from '../db/repositories/election-keys.repository.js';

const SEALING_CACHE_MS = 60_000;

export interface KeyProblem {
  electionKey: string;
  problem: string;
}

/**
 * Election keys as processes use them: made on first need (by a process holding the master
 * key), verified before every use, and cached briefly for the vote path.
 */
export class ElectionKeyStore {
  private readonly sealing = new Map<string, { keys: SealingKeys; until: number }>();

  constructor(private readonly repo: ElectionKeysRepository, readonly keyring: BallotKeyring) {}

  /** The verified public key and link key of an election, creating them if it has none yet. */
  async forSealing(electionId: string): Promise<SealingKeys> {
    const cached = this.sealing.get(electionId);
    if (cached && cached.until > Date.now()) return cached.keys;
    const keys = this.keyring.sealingKeys(await this.storedOrNew(electionId));
    this.sealing.set(electionId, { keys, until: Date.now() + SEALING_CACHE_MS });
    return keys;
  }

  /** The link key as stored now (no cache: after the count it may be gone). Null when destroyed. */
  async linkKey(electionId: string): Promise<Buffer | null> {
    const stored = await this.repo.find(electionId);
    return stored ? this.keyring.sealingKeys(stored).linkKey : null;
  }

  /** Gives every election that has none its keys (the sync worker, after each sync). */
  async ensureAll(): Promise<number> {
    if (!this.keyring.canOpen) return 0;
    const missing = await this.repo.electionsWithoutKeys();
    for (const id of missing) await this.repo.insertOrGet(this.keyring.createElectionKeys(id));
    return missing.length;
  }

  /** Elections whose sealed ballots or links this process's master key cannot use (start-up, `urna keys check`). */
  async problems(): Promise<KeyProblem[]> {
    const inUse = await this.repo.keysInUse();
    return inUse.flatMap((k) => {
      const problem = this.keyring.problemWith(k);
      return problem ? [{ electionKey: k.electionKey, problem }] : [];
    });
  }

  private async storedOrNew(electionId: string): Promise<StoredElectionKeys> {
    const stored = await this.repo.find(electionId);
    if (stored) return stored;
    if (!this.keyring.canOpen) throw new BallotKeyError(`election ${electionId} has no ballot keys yet; the sync worker makes them`);
    return this.repo.insertOrGet(this.keyring.createElectionKeys(electionId));
  }
}

export class BallotKeyProblemsError extends Error {
  constructor(readonly problems: KeyProblem[]) {
    super(`The ballot key (BALLOT_KEY) cannot open the keys of ${problems.length} election(s) holding ballots or links; ` +
      `starting would lose them. Set the master key these elections were sealed under, or finish \`urna keys rotate\`:\n` +
      problems.map((p) => `  - ${p.electionKey}: ${p.problem}`).join('\n'));
  }
}
