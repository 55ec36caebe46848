import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../../../shared/db/dialect.js';
import type { Logger } from '../../../shared/logging/logger.js';
import { errorPage } from '../../../views/pages/error.page.js';
import { loginPromptPage } from '../../../views/pages/login.page.js';
import { HttpError, notFound } from '../http-error.js';
import { sendPage } from '../render.js';

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

/**
 * Every error becomes a page with its real status code. Messages of HttpErrors (and of client
 * errors express marks as exposable) are shown; anything else says only that something failed,
 * and its details go to the log, never to the page.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (!(err instanceof HttpError) && isDatabaseUnavailable(err)) {
      // The database is away (restarting, failing over, network): say so, and let the process
      // carry on; the connection pool reconnects by itself once it is back.
      logger.warn({ code: (err as { code?: string }).code ?? (err as Error).name, method: req.method, path: req.path }, 'database unavailable');
      err = new HttpError(503, 'Temporarily unavailable', 'The database is not reachable at the moment, so this page cannot be shown and nothing was changed. Please try again in a minute.', { retryAfterSeconds: 30 });
    }
    const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string };
    const status = err instanceof HttpError ? err.status : clientStatus(e.status ?? e.statusCode) ?? 500;
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    else logger.debug({ status, method: req.method, path: req.path }, 'request refused');

    const title = err instanceof HttpError ? err.title : status === 500 ? 'Something went wrong' : 'Request not accepted';
    const message = err instanceof HttpError || (e.expose && status < 500)
      ? String(e.message)
      : status === 500 ? 'The server could not complete this request. Please try again in a moment.' : 'The request could not be processed.';
    if (err instanceof HttpError && err.extra.retryAfterSeconds) res.set('Retry-After', String(err.extra.retryAfterSeconds));
    res.set('Cache-Control', 'no-store');
    try {
      if (status === 401) sendPage(req, res, 401, (ctx) => loginPromptPage(ctx, { message }));
      else sendPage(req, res, status, (ctx) => errorPage(ctx, { status, title, message, link: err instanceof HttpError ? err.extra.link : undefined }));
    } catch (renderErr) {
      logger.error({ err: renderErr }, 'error page failed to render');
      res.status(status).type('text').send(`${status} ${title}`);
    }
  };
}

function clientStatus(status: number | undefined): number | null {
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
