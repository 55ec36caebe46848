import type { Knex } from 'knex';
import { ElectionKeyStore } from '../../shared/ballots/election-key-store.js';
import { BallotKeyring } from '../../shared/crypto/ballot-keyring.js';
import type { BallotLinks } from '../../shared/crypto/ballot-link.js';
import { BallotOpener, padRanking, rankingCapacity, sealBallot, unpadRanking } from '../../shared/crypto/sealed-ballot.js';
import { newId } from '../../shared/db/ids.js';
import { unpackCountedBallots } from '../../shared/db/counted-ballot-pages.js';
import type { Repositories } from '../../shared/db/repositories/index.js';

/** The master ballot key of every test server and test kernel (urnaEnv, startTestWebApp, tallyKernel). */
export const TEST_BALLOT_KEY = Buffer.alloc(32, 0x5a).toString('hex');
export const testKeyring = BallotKeyring.fromMasterKey(Buffer.from(TEST_BALLOT_KEY, 'hex'));

export function testKeyStore(repos: Pick<Repositories, 'electionKeys'>, keyring = testKeyring): ElectionKeyStore {
  return new ElectionKeyStore(repos.electionKeys, keyring);
}

/**
 * Casts a ballot as the web's vote route does (sealed to the election's key, stored with its vote
 * row), straight through the repositories: for tests that need ballots but not the web.
 */
export async function castSealedBallot(
  repos: Pick<Repositories, 'electionKeys' | 'elections' | 'votes'>,
  vote: { electionId: string; userId: string; ranking: string[][]; ballotId?: string; link?: Buffer | null },
  keyring = testKeyring,
): Promise<string> {
  const keys = await testKeyStore(repos, keyring).forSealing(vote.electionId);
  // Sized for the election's candidates, and for any unknown one a test names on purpose.
  const names = new Set([...(await repos.elections.listCandidates(vote.electionId)).map((c) => c.key), ...vote.ranking.flat()]);
  const padded = padRanking(JSON.stringify(vote.ranking), rankingCapacity([...names]));
  const ballotId = vote.ballotId ?? newId();
  await repos.votes.castVote({
    electionId: vote.electionId,
    userId: vote.userId,
    ballotId,
    sealedBallot: sealBallot(keys.publicKey, vote.electionId, padded),
    named: vote.ranking.flat(),
    link: vote.link ?? null,
  });
  return ballotId;
}

/** As the key holder would: every sealed ballot of an election, opened, with its id. */
export async function openSealedBallots(repos: Pick<Repositories, 'electionKeys'>, db: Knex, electionId: string, keyring = testKeyring): Promise<Array<{ id: string; ranking: string }>> {
  const stored = await repos.electionKeys.find(electionId);
  const rows: Array<{ id: string; sealed: Uint8Array }> = await db('sealed_ballots').where({ election_id: electionId }).select('id', 'sealed');
  if (!stored) return rows.length ? Promise.reject(new Error('sealed ballots without keys')) : [];
  const opener = new BallotOpener(keyring.openingKey(stored), electionId);
  return rows.map((r) => ({ id: r.id, ranking: unpadRanking(opener.open(r.sealed)) }));
}

/** Opens a voter's stored link with their passphrase, as the web's view route does. */
export async function openVoteLink(
  repos: Pick<Repositories, 'electionKeys'>, links: BallotLinks, vote: { electionId: string; userId: string; link: Buffer }, passphrase: string, keyring = testKeyring,
): Promise<{ ballotId: string; ranking: string | null } | null> {
  const linkKey = (await testKeyStore(repos, keyring).linkKey(vote.electionId));
  if (!linkKey) return null;
  const contents = await links.open(passphrase, vote.link, { electionId: vote.electionId, userId: vote.userId }, linkKey);
  return contents && { ballotId: contents.ballotId, ranking: contents.paddedRanking && unpadRanking(contents.paddedRanking) };
}

/** An election's counted rankings as stored, in storage order: pages by id, lines in a page in order. */
export async function countedRankings(db: Knex, electionId: string): Promise<string[]> {
  const pages: Array<{ rankings: string }> = await db('counted_ballot_pages').where({ election_id: electionId }).orderBy('id').select('rankings');
  return pages.flatMap((p) => unpackCountedBallots(p.rankings));
}
