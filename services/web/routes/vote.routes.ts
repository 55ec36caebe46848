import { Router, type Request, type Response } from 'express';
import { BallotKeyError } from '../../../shared/crypto/ballot-keyring.js';
import { KdfBusyError } from '../../../shared/crypto/ballot-link.js';
import { padRanking, rankingCapacity, sealBallot } from '../../../shared/crypto/sealed-ballot.js';
import { shuffled } from '../../../shared/crypto/shuffle.js';
import { newId } from '../../../shared/db/ids.js';
import { AlreadyVotedError, CandidatesChangedError, ElectionConcludedError, type Ranking } from '../../../shared/db/repositories/votes.repository.js';
import { parseBallotForm, type Choices } from '../../../shared/domain/election/ballot-form.js';
import type { Candidate, Election } from '../../../shared/domain/election/election.js';
import { electionPath } from '../../../views/components/election-bits.js';
import { confirmationPage } from '../../../views/pages/ballot.page.js';
import { votePage } from '../../../views/pages/vote.page.js';
import { voteReviewPage, type ReviewData } from '../../../views/pages/vote-review.page.js';
import { HttpError } from '../http-error.js';
import { electionOf, loadElection, requireLogin, userOf } from '../middleware/auth.js';
import { sendPage, seeOther } from '../render.js';
import { alreadyInFlight, alreadyVoted, assertMayVote, votingClosed } from '../voting/voting-rules.js';
import type { WebEnv } from '../web-env.js';
import { bodyField } from './auth.routes.js';

const MAX_PASSPHRASE = 1024;

/**
 * GET vote → POST vote/review (server-side review, or back to editing) → POST vote (cast) →
 * confirmation. The ballot travels in the form between the steps, never in the session.
 */
export function voteRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos } = env.kernel;
  const guard = [requireLogin, loadElection(env)];

  async function ballotContext(req: Request, res: Response, checkVoted = true): Promise<{ e: Election; candidates: Candidate[] }> {
    const e = electionOf(res);
    await assertMayVote(env, e, userOf(req), { checkVoted });
    return { e, candidates: shuffled(await env.elections.candidates(e.id)) };
  }

  function parse(req: Request, e: Election, candidates: Candidate[]) {
    return parseBallotForm((req.body ?? {}) as Record<string, unknown>, { candidates: candidates.map((c) => c.key), allowNoOpinion: e.allowNoOpinion });
  }

  function showBallot(req: Request, res: Response, status: number, e: Election, candidates: Candidate[], choices: Choices, errors: string[]) {
    sendPage(req, res, status, (ctx) => votePage(ctx, { election: e, candidates, choices, errors }));
  }

  router.get('/app/elections/:key/vote', ...guard, async (req, res) => {
    const { e, candidates } = await ballotContext(req, res);
    showBallot(req, res, 200, e, candidates, {}, []);
  });

  router.post('/app/elections/:key/vote/review', ...guard, async (req, res) => {
    const { e, candidates } = await ballotContext(req, res);
    const ballot = parse(req, e, candidates);
    if (bodyField(req, 'action') === 'edit') return showBallot(req, res, 200, e, candidates, ballot.choices, []);
    if (!ballot.ok) return showBallot(req, res, 422, e, candidates, ballot.choices, ballot.errors);
    sendPage(req, res, 200, (ctx) => voteReviewPage(ctx, { election: e, candidates, choices: ballot.choices, ranking: ballot.ranking, errors: [] }));
  });

  router.post('/app/elections/:key/vote', ...guard, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Twice the same field (a tampered or broken form) must not quietly store a vote without its link.
    if (Array.isArray(body.passphrase) || Array.isArray(body.passphrase_confirm)) {
      throw new HttpError(422, 'The form was not sent correctly', 'It carried the passphrase more than once. Go back, reload the ballot and submit it again; nothing was stored.', { link: { href: electionPath(electionOf(res).key), label: 'Back to the election' } });
    }
    const passphrase = (bodyField(req, 'passphrase') ?? '').normalize('NFC');
    const confirm = (bodyField(req, 'passphrase_confirm') ?? '').normalize('NFC');
    // "Already voted" is left to the unique key here, or checked below before a key derivation.
    const { e, candidates } = await ballotContext(req, res, false);
    const user = userOf(req);
    const ballot = parse(req, e, candidates);
    if (!ballot.ok) return showBallot(req, res, 422, e, candidates, ballot.choices, ballot.errors);

    const fieldErrors = passphraseErrors(passphrase, confirm, env.kernel.config.ballots.minPasscodeLength);
    if (fieldErrors) {
      const review: ReviewData = { election: e, candidates, choices: ballot.choices, ranking: ballot.ranking, fieldErrors, errors: Object.values(fieldErrors) };
      return sendPage(req, res, 422, (ctx) => voteReviewPage(ctx, review));
    }

    // One submission per voter at a time in this process: a repeated one waits for no key derivation.
    const outcome = await env.votesInFlight.run(e.id, user.id, async () => {
      try {
        await castSealedVote(e, candidates, user.id, ballot.ranking, passphrase);
        return 'stored' as const;
      } catch (err) {
        if (err instanceof AlreadyVotedError) throw alreadyVoted(e);
        if (err instanceof ElectionConcludedError) throw votingClosed(e);
        if (err instanceof KdfBusyError) throw new HttpError(503, 'Busy protecting ballots', 'Too many ballots are being protected with passphrases right now. Nothing was stored: submit your ballot again in a few seconds.', { retryAfterSeconds: 5 });
        if (err instanceof BallotKeyError) {
          env.kernel.logger.error({ err, electionId: e.id }, 'cannot seal ballots for this election');
          throw new HttpError(503, 'Voting is not ready', 'This election\'s ballot box is not ready yet. Nothing was stored: please try again in a few minutes.', { retryAfterSeconds: 60 });
        }
        if (err instanceof CandidatesChangedError) return err;
        throw err;
      }
    }, () => { throw alreadyInFlight(e); });
    if (outcome instanceof CandidatesChangedError) {
      const current = shuffled(await env.elections.candidates(e.id));
      return showBallot(req, res, 409, e, current, ballot.choices, [outcome.message]);
    }
    seeOther(res, electionPath(e.key, '/confirmation'));
  });

  /**
   * Seals the ranking to the election's public key and, with a passphrase, makes the voter's link
   * (ballot id and a copy of the ranking) under the passphrase and the election's link key; then
   * stores the vote row and the sealed ballot in one transaction. Nothing runs afterwards.
   */
  async function castSealedVote(e: Election, candidates: Candidate[], userId: string, ranking: Ranking, passphrase: string): Promise<void> {
    const keys = await env.ballotKeys.forSealing(e.id);
    const padded = padRanking(JSON.stringify(ranking), rankingCapacity(candidates.map((c) => c.key)));
    const ballotId = newId();
    const sealedBallot = sealBallot(keys.publicKey, e.id, padded);
    let link: Buffer | null = null;
    if (passphrase) {
      // Checked inside the in-flight section, so a copy of the form that arrives after the first
      // was stored is refused here, not after deriving a key of its own.
      if (await repos.votes.findVote(e.id, userId)) throw new AlreadyVotedError();
      if (!keys.linkKey) throw votingClosed(e); // destroyed at the count
      link = await env.links.seal(passphrase, { ballotId, paddedRanking: padded }, { electionId: e.id, userId }, keys.linkKey);
      // The window was checked when the request arrived; a tally that concluded while the key
      // was being derived (which may have waited for a slot) still closes the door.
      const fresh = await repos.elections.findById(e.id);
      if (!fresh || fresh.concludedAt || fresh.archivedAt) throw votingClosed(e);
    }
    await repos.votes.castVote({ electionId: e.id, userId, ballotId, sealedBallot, named: ranking.flat(), link });
  }

  router.get('/app/elections/:key/confirmation', ...guard, async (req, res) => {
    const e = electionOf(res);
    const vote = await repos.votes.findVote(e.id, userOf(req).id);
    if (!vote) return seeOther(res, electionPath(e.key));
    sendPage(req, res, 200, (ctx) => confirmationPage(ctx, { election: e, withPassphrase: vote.link !== null }));
  });

  return router;
}

/** Empty passphrase: allowed (no link). Otherwise at least `min` characters, typed the same twice. */
export function passphraseErrors(passphrase: string, confirm: string, min: number): ReviewData['fieldErrors'] | null {
  if (passphrase !== confirm) return { passphraseConfirm: 'The two passphrases are not the same. Type the same passphrase in both boxes.' };
  const length = [...passphrase].length;
  if (length > 0 && length < min) return { passphrase: `Your passphrase is too short: use at least ${min} characters, or leave both boxes empty.` };
  if (length > MAX_PASSPHRASE) return { passphrase: `Your passphrase is too long: use at most ${MAX_PASSPHRASE} characters.` };
  return null;
}
