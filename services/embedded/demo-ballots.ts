import { padRanking, rankingCapacity, sealBallot } from '../../shared/crypto/sealed-ballot.js';
import { newId } from '../../shared/db/ids.js';
import { AlreadyVotedError } from '../../shared/db/repositories/votes.repository.js';
import { requireSealingKeys, type Kernel } from '../../shared/kernel/kernel.js';
import { requestTally, requestTallyPorts } from '../tally-worker/request-tally.js';

// The demo's closed election tells one story: its voters did vote, the real tally counted their
// ballots, and its published results.md is the console's draft of that count (a test checks that
// deploy/demo-meta/elections/archive/technical-oversight/results.md is exactly that draft).

export const DEMO_CLOSED_ELECTION = 'archive---technical-oversight';

/** The four eligible voters of voters.yaml and their rankings: Ruth Trial over Alan Dummy 3 to 1. */
export const DEMO_CLOSED_BALLOTS: ReadonlyArray<{ login: string; ranking: string[][] }> = [
  { login: 'demo-voter', ranking: [['ruth-demo'], ['alan-demo']] },
  { login: 'alice-demo', ranking: [['ruth-demo'], ['alan-demo']] },
  { login: 'bob-demo', ranking: [['alan-demo'], ['ruth-demo']] },
  { login: 'carol-demo', ranking: [['ruth-demo'], ['alan-demo']] },
];

export type DemoSeedOutcome = 'counted' | 'already-concluded' | 'not-synced';

/**
 * Once the first sync has created the closed demo election: casts its ballots (sealed, as the
 * vote route seals them; one per voter, so a restart adds nothing) and asks for its count, which
 * the tally worker runs like any officer's. Voting has closed, so the ballots go
 * straight to the repository: this writes the demo's past, it is no way to vote.
 */
export async function seedDemoBallots(
  kernel: Pick<Kernel, 'db' | 'repos' | 'queue' | 'ballotKeys' | 'now' | 'logger'>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<DemoSeedOutcome> {
  const { repos } = kernel;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let election = await repos.elections.findByKey(DEMO_CLOSED_ELECTION);
  while (!election && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
    election = await repos.elections.findByKey(DEMO_CLOSED_ELECTION);
  }
  if (!election) {
    kernel.logger.warn({ election: DEMO_CLOSED_ELECTION }, 'demo: the closed election was not synced; its ballots are not seeded');
    return 'not-synced';
  }
  if (election.concludedAt) return 'already-concluded';

  const keys = await requireSealingKeys(kernel).forSealing(election.id);
  const capacity = rankingCapacity((await repos.elections.listCandidates(election.id)).map((c) => c.key));
  for (const { login, ranking } of DEMO_CLOSED_BALLOTS) {
    const user = await repos.users.upsertByLogin(login, null);
    const sealedBallot = sealBallot(keys.publicKey, election.id, padRanking(JSON.stringify(ranking), capacity));
    await repos.votes.castVote({ electionId: election.id, userId: user.id, ballotId: newId(), sealedBallot, named: ranking.flat(), link: null })
      .catch((err: unknown) => { if (!(err instanceof AlreadyVotedError)) throw err; }); // cast at an earlier start
  }
  // Idempotent: a queued run (its job lost with the in-process queue at the last stop) is queued again.
  const answer = await requestTally(requestTallyPorts(kernel), election.id, null);
  if (!answer.ok) throw new Error(`demo: could not count ${DEMO_CLOSED_ELECTION}: ${answer.message}`);
  kernel.logger.info({ election: DEMO_CLOSED_ELECTION, ballots: DEMO_CLOSED_BALLOTS.length }, 'demo: closed election holds its ballots; count requested');
  return 'counted';
}
