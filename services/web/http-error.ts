/** An error with an HTTP status and a message safe to show the user; the error handler renders it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly extra: { retryAfterSeconds?: number; code?: string; link?: { href: string; label: string } } = {},
  ) {
    super(message);
  }
}

export const notFound = (message = 'There is no page at this address.') => new HttpError(404, 'Not found', message);
export const forbidden = (message: string, title = 'Not allowed') => new HttpError(403, title, message);
export const unauthorized = (message = 'Sign in with GitHub to continue.') => new HttpError(401, 'Sign in to continue', message);
