import type { VotesRepository } from '../../../shared/db/repositories/votes.repository.js';
import type { Logger } from '../../../shared/logging/logger.js';

/** How long a new ballot waits for others to join its batch; the whole time it stays pairable. */
const BATCH_DELAY_MS = 50;
/** Keeps each mixing transaction short under a burst of votes. */
const MAX_BATCH = 200;

/**
 * Hides each new ballot among others shortly after its vote (VotesRepository.mixBallots; why, in
 * SECURITY.md). The ballots cast in this process during BATCH_DELAY_MS are mixed together, per
 * election, in one transaction: a transaction per vote cost a third of the vote throughput, and a
 * batch only widens the crowd each ballot hides in.
 *
 * Pending ids live in this process's memory only, never in a table, a log or the job queue. If
 * the process dies before a flush, those ballots stay unmixed until a later mix samples them or
 * the tally rewrites them all. Mixing is best effort: a failure is logged by its error code only
 * (never SQL, which could carry a ballot id) and never touches the vote, which is already stored.
 */
export class BallotMixer {
  private readonly pending = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly votes: VotesRepository, private readonly logger: Logger) {}

  add(electionId: string, ballotId: string): void {
    const ids = this.pending.get(electionId);
    if (ids) ids.push(ballotId);
    else this.pending.set(electionId, [ballotId]);
    this.timer ??= setTimeout(() => void this.flush(), BATCH_DELAY_MS).unref();
  }

  /** Mixes everything pending now, after any flush already running; resolves when done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    this.chain = this.chain.then(() => this.mix(batches));
    return this.chain;
  }

  private async mix(batches: Array<[string, string[]]>): Promise<void> {
    for (const [electionId, ids] of batches) {
      for (let i = 0; i < ids.length; i += MAX_BATCH) {
        await this.votes.mixBallots(electionId, ids.slice(i, i + MAX_BATCH)).catch((err: unknown) =>
          this.logger.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'could not mix new ballots among the others'));
      }
    }
  }
}
