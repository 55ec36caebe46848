/**
 * Votes this process is still working on, one per election and voter. A passphrase costs an
 * Argon2id derivation before the database sees the vote; without this, a voter who submits the
 * same form a thousand times would queue a thousand derivations ahead of every other voter.
 */
export class InFlight {
  private readonly busy = new Set<string>();

  /** Runs `work` unless the same voter's vote is already in flight here; then returns `busy()`. */
  async run<T>(electionId: string, userId: string, work: () => Promise<T>, busy: () => T): Promise<T> {
    const key = `${electionId}\n${userId}`;
    if (this.busy.has(key)) return busy();
    this.busy.add(key);
    try {
      return await work();
    } finally {
      this.busy.delete(key);
    }
  }
}
