import { Router, type Request, type Response } from 'express';
import type { LinkContents } from '../../../shared/crypto/ballot-link.js';
import { unpadRanking } from '../../../shared/crypto/sealed-ballot.js';
import type { Ranking } from '../../../shared/db/repositories/votes.repository.js';
import { electionStatus, type Election } from '../../../shared/domain/election/election.js';
import { electionPath } from '../../../views/components/election-bits.js';
import { LOCKOUT_TITLE, lockoutMessage, triesLeftMessage } from '../../../views/components/wait-time.js';
import { ballotPage, viewBallotFormPage } from '../../../views/pages/ballot.page.js';
import { HttpError } from '../http-error.js';
import { electionOf, loadElection, requireLogin, userOf } from '../middleware/auth.js';
import { passphraseRateLimit } from '../middleware/rate-limits.js';
import { flash, sendPage, seeOther } from '../render.js';
import { assertOpen } from '../voting/voting-rules.js';
import type { WebEnv } from '../web-env.js';
import { bodyField } from './auth.routes.js';

type Action = 'view' | 'revoke';

/**
 * View and revoke a ballot with its passphrase. Both are rate-limited per user and locked out
 * after repeated wrong passphrases; a wrong passphrase changes nothing. Revoking needs voting to
 * be open. Elekto's /vote/view and /vote/edit paths still answer.
 */
export function ballotRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos } = env.kernel;
  const guard = [requireLogin, loadElection(env)];
  const limit = passphraseRateLimit(env);

  /** What the voter's link holds, or a page explaining why not (thrown). */
  async function openBallot(req: Request, res: Response, action: Action): Promise<{ e: Election; contents: LinkContents }> {
    const e = electionOf(res);
    const user = userOf(req);
    if (action === 'revoke') assertOpen(e, env.kernel.now());
    const [vote, linkKey] = await Promise.all([repos.votes.findVote(e.id, user.id), env.ballotKeys.linkKey(e.id)]);
    const back = { href: electionPath(e.key), label: 'Back to the election' };
    if (!vote) throw new HttpError(404, 'No ballot', 'You have not voted in this election.', { link: back });
    if (!vote.link || !linkKey) {
      throw new HttpError(409, 'This ballot cannot be opened', 'You voted without a passphrase (or the link was removed after the count), so nobody can view or change this ballot.', { link: back });
    }
    const lockKey = { userId: user.id, electionId: e.id };
    const waitMs = await env.lockout.remainingMs(lockKey);
    if (waitMs > 0) {
      throw new HttpError(429, LOCKOUT_TITLE, lockoutMessage(waitMs, env.kernel.now()), { retryAfterSeconds: Math.ceil(waitMs / 1000), link: back });
    }
    const passphrase = (bodyField(req, 'passphrase') ?? '').normalize('NFC');
    if (!passphrase) throw new FormError(422, 'Enter your passphrase.', e, action);
    const contents = await env.links.open(passphrase, vote.link, { electionId: e.id, userId: user.id }, linkKey);
    if (!contents) {
      const outcome = await env.lockout.recordFailure(lockKey);
      // Still 403 (this passphrase was tried, and was wrong); the next attempt gets the 429 page,
      // which words the lockout the same way.
      const next = outcome.lockedForMs > 0
        ? lockoutMessage(outcome.lockedForMs, env.kernel.now())
        : triesLeftMessage(outcome.triesLeft, outcome.nextLockoutMs);
      throw new FormError(403, ['That passphrase does not match your ballot. Nothing was changed.', next], e, action);
    }
    await env.lockout.recordSuccess(lockKey);
    return { e, contents };
  }

  function showForm(action: Action) {
    return async (req: Request, res: Response) => {
      const e = electionOf(res);
      const vote = await repos.votes.findVote(e.id, userOf(req).id);
      if (!vote?.link) return seeOther(res, electionPath(e.key));
      sendPage(req, res, 200, (ctx) => viewBallotFormPage(ctx, { election: e, errors: [], action }));
    };
  }

  router.get(['/app/elections/:key/view', '/app/elections/:key/vote/view'], ...guard, showForm('view'));
  router.get(['/app/elections/:key/revoke', '/app/elections/:key/vote/edit'], ...guard, showForm('revoke'));

  router.post(['/app/elections/:key/view', '/app/elections/:key/vote/view'], ...guard, limit, async (req, res) => {
    try {
      const { e, contents } = await openBallot(req, res, 'view');
      const candidates = await env.elections.candidates(e.id);
      const ranking = contents.paddedRanking ? JSON.parse(unpadRanking(contents.paddedRanking)) as Ranking : null;
      const canRevoke = electionStatus(e, env.kernel.now()) === 'open' && !e.archivedAt;
      sendPage(req, res, 200, (ctx) => ballotPage(ctx, { election: e, candidates, ranking, canRevoke }));
    } catch (err) {
      renderFormError(req, res, err);
    }
  });

  router.post(['/app/elections/:key/revoke', '/app/elections/:key/vote/edit'], ...guard, limit, async (req, res) => {
    try {
      const { e, contents } = await openBallot(req, res, 'revoke');
      await repos.votes.revoke(e.id, userOf(req).id, contents.ballotId);
      flash(req, 'success', 'Your ballot was revoked. You can vote again until voting closes.');
      seeOther(res, electionPath(e.key));
    } catch (err) {
      renderFormError(req, res, err);
    }
  });

  return router;
}

/** A passphrase problem: shown on the passphrase form itself, with its status code. */
class FormError extends Error {
  readonly messages: string[];
  constructor(readonly status: number, messages: string | string[], readonly election: Election, readonly action: Action) {
    const list = typeof messages === 'string' ? [messages] : messages;
    super(list.join(' '));
    this.messages = list;
  }
}

function renderFormError(req: Request, res: Response, err: unknown): void {
  if (!(err instanceof FormError)) throw err;
  sendPage(req, res, err.status, (ctx) => viewBallotFormPage(ctx, { election: err.election, errors: err.messages, action: err.action }));
}
