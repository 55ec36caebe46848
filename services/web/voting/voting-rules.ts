import { electionStatus, type Election } from '../../../shared/domain/election/election.js';
import { formatUtc, electionPath } from '../../../views/components/election-bits.js';
import type { ViewUser } from '../../../views/page-context.js';
import { HttpError } from '../http-error.js';
import type { WebEnv } from '../web-env.js';

const back = (e: Election) => ({ href: electionPath(e.key), label: 'Back to the election' });

/** Voting is open: start ≤ now < end, not concluded by a tally, not archived. Otherwise 403. */
export function assertOpen(e: Election, now: Date): void {
  if (e.archivedAt || e.concludedAt) throw votingClosed(e);
  const status = electionStatus(e, now);
  if (status === 'upcoming') throw new HttpError(403, 'Voting has not started', `Voting opens on ${formatUtc(e.startAt)}.`, { link: back(e) });
  if (status === 'closed') throw votingClosed(e);
}

export function votingClosed(e: Election): HttpError {
  return new HttpError(403, 'Voting has closed', 'This election no longer accepts or changes ballots.', { link: back(e) });
}

/**
 * Everything that must hold before showing or accepting a ballot; throws the page to show
 * instead. `checkVoted: false` leaves "already voted" to the unique key (one query fewer on the
 * hot path of a ballot without a passphrase, where nothing costly happens before the insert).
 */
export async function assertMayVote(env: WebEnv, e: Election, user: ViewUser, options: { checkVoted?: boolean } = {}): Promise<void> {
  assertOpen(e, env.kernel.now());
  const { repos } = env.kernel;
  const [eligible, vote] = await Promise.all([
    repos.elections.isEligible(e.id, user.login),
    options.checkVoted === false ? null : repos.votes.findVote(e.id, user.id),
  ]);
  if (!eligible) {
    throw new HttpError(403, 'You are not on the voter list', `The login ${user.login} is not eligible to vote in this election.`, { link: back(e) });
  }
  if (vote) throw alreadyVoted(e);
}

export function alreadyVoted(e: Election): HttpError {
  return new HttpError(409, 'You have already voted', 'Each voter casts one ballot. If you set a passphrase, you can view or revoke your ballot from the election page.', { link: back(e) });
}

export function alreadyInFlight(e: Election): HttpError {
  return new HttpError(409, 'Your ballot is already being submitted', 'This ballot is being stored from another submission of the same form. Open the election page in a moment to see that you have voted.', { link: back(e) });
}
