import type { BallotKeyring } from '../crypto/ballot-keyring.js';
import type { ElectionKeysRepository } from '../db/repositories/election-keys.repository.js';

export interface RotationReport {
  rotated: number;
  /** Already under the new key (a rotation interrupted earlier and run again). */
  alreadyDone: number;
  /** Under neither key: left alone, named for the operator. */
  foreign: string[];
}

/**
 * Re-wraps every election's keys from one master key to another, one row at a time. Each row
 * changes in one statement, and only if it is still under the old key, so a rotation stopped
 * anywhere (a crash, a lost connection) leaves each row under one key or the other, and running
 * it again with the same two keys finishes the job.
 */
export async function rotateElectionKeys(
  repo: Pick<ElectionKeysRepository, 'all' | 'replace'>,
  from: BallotKeyring,
  to: BallotKeyring,
  afterEach: () => void | Promise<void> = () => undefined,
): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, alreadyDone: 0, foreign: [] };
  for (const stored of await repo.all()) {
    if (stored.keyId === to.keyId) {
      report.alreadyDone++;
      continue;
    }
    if (stored.keyId !== from.keyId) {
      report.foreign.push(stored.electionId);
      continue;
    }
    if (await repo.replace(from.rewrapFor(to, stored), from.keyId)) report.rotated++;
    await afterEach();
  }
  return report;
}
