import { Router, type Request, type Response } from 'express';
import { DuplicateExceptionRequestError } from '../../../shared/db/repositories/exception-requests.repository.js';
import type { Election } from '../../../shared/domain/election/election.js';
import { electionPath, formatUtc } from '../../../views/components/election-bits.js';
import { EXCEPTION_LIMITS, exceptionPage, type ExceptionForm, type ExceptionTexts } from '../../../views/pages/exception.page.js';
import { HttpError } from '../http-error.js';
import { electionOf, loadElection, requireLogin, userOf } from '../middleware/auth.js';
import { flash, sendPage, seeOther } from '../render.js';
import type { WebEnv } from '../web-env.js';
import { bodyField } from './auth.routes.js';

/** A request to join the voter list: signed in, not eligible, before exception_due, once per election. */
export function exceptionRoutes(env: WebEnv): Router {
  const router = Router();
  const { repos } = env.kernel;
  const guard = [requireLogin, loadElection(env)];

  async function assertMayRequest(req: Request, res: Response): Promise<Election> {
    const e = electionOf(res);
    const user = userOf(req);
    const back = { href: electionPath(e.key), label: 'Back to the election' };
    const [eligible, existing] = await Promise.all([repos.elections.isEligible(e.id, user.login), repos.exceptionRequests.findForUser(e.id, user.id)]);
    if (eligible) throw new HttpError(409, 'You can already vote', 'You are on the voter list for this election; no exception is needed.', { link: back });
    if (existing) throw new HttpError(409, 'Request already sent', `You asked for an exception on ${formatUtc(existing.createdAt)}. The officers will review it.`, { link: back });
    if (env.kernel.now() >= e.exceptionDueAt) {
      throw new HttpError(403, 'Too late for exceptions', `Exception requests closed on ${formatUtc(e.exceptionDueAt)}.`, { link: back });
    }
    return e;
  }

  // The panel has no heading of its own (headings in it start at h2); eligibility sits under one.
  const textsOf = (e: Election): ExceptionTexts => ({
    exceptionHtml: env.markdown.render(e.exceptionDescription, 2),
    eligibilityHtml: env.markdown.render(e.eligibility, 3),
  });

  router.get('/app/elections/:key/exception', ...guard, async (req, res) => {
    const e = await assertMayRequest(req, res);
    const form: ExceptionForm = { name: userOf(req).name ?? '', chat: '', description: '', comments: '' };
    sendPage(req, res, 200, (ctx) => exceptionPage(ctx, { election: e, texts: textsOf(e), form, errors: {} }));
  });

  router.post('/app/elections/:key/exception', ...guard, async (req, res) => {
    const e = await assertMayRequest(req, res);
    const form: ExceptionForm = {
      name: (bodyField(req, 'name') ?? '').trim(),
      chat: (bodyField(req, 'chat') ?? '').trim(),
      description: (bodyField(req, 'description') ?? '').trim(),
      comments: (bodyField(req, 'comments') ?? '').trim(),
    };
    const errors = validate(form);
    if (Object.keys(errors).length) return sendPage(req, res, 422, (ctx) => exceptionPage(ctx, { election: e, texts: textsOf(e), form, errors }));
    try {
      await repos.exceptionRequests.create({ electionId: e.id, userId: userOf(req).id, ...form }, env.kernel.now());
    } catch (err) {
      if (err instanceof DuplicateExceptionRequestError) {
        throw new HttpError(409, 'Request already sent', err.message, { link: { href: electionPath(e.key), label: 'Back to the election' } });
      }
      throw err;
    }
    flash(req, 'success', 'Your request was sent to the election officers.');
    seeOther(res, electionPath(e.key));
  });

  return router;
}

function validate(f: ExceptionForm): Partial<Record<keyof ExceptionForm, string>> {
  const errors: Partial<Record<keyof ExceptionForm, string>> = {};
  if (!f.name) errors.name = 'Enter your name.';
  if (!f.description) errors.description = 'Describe your contributions.';
  for (const key of Object.keys(EXCEPTION_LIMITS) as Array<keyof ExceptionForm>) {
    if (f[key].length > EXCEPTION_LIMITS[key]) errors[key] = `Use at most ${EXCEPTION_LIMITS[key]} characters.`;
  }
  return errors;
}
