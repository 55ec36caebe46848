import type { RequestHandler } from 'express';
import { HttpError } from '../http-error.js';

/**
 * Refuses requests with a NUL character in the URL or a form field (400). No page or form has a
 * use for one, PostgreSQL rejects NUL in text (so a lookup by such a key failed with 500), and
 * other layers treat it as the end of a string.
 */
export const rejectNulBytes: RequestHandler = (req, _res, next) => {
  const body = req.body as Record<string, unknown> | undefined;
  const values = body && typeof body === 'object' ? Object.entries(body).flat(2) : [];
  if (/%00|\u0000/i.test(req.originalUrl) || values.some((v) => typeof v === 'string' && v.includes('\u0000'))) {
    return next(new HttpError(400, 'Request not accepted', 'The address or the form contained a character that is not allowed.'));
  }
  next();
};
