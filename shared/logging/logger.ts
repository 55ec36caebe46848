import { createRequire } from 'node:module';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Secrets never reach the log: request headers that carry credentials, and any field whose name
// says it holds one, at the top level or one or two levels down.
const SECRET_KEYS = ['passphrase', 'password', 'passcode', 'secret', 'token', 'accessToken', 'refreshToken',
  'clientSecret', 'appKey', 'cookie', 'authorization', 'sealedBallot', 'ranking'];

export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

// Database errors quote the failed statement: knex prefixes the message (and so the stack) with
// the SQL, which on MySQL has the values written in (a ballot id and its ranking, a user id),
// mysql2 adds it again as `sql`, and PostgreSQL's `detail` repeats key values. None of that may
// reach the log beside a request path and a time (SECURITY.md): the statement is cut off.
const SQL_MESSAGE = /^\s*(select|insert|update|delete|with|create|drop|alter|replace)\b[\s\S]* - /i;
const VALUE_FIELDS = ['sql', 'detail', 'parameters', 'bindings', 'internalQuery', 'where'];

/** MySQL quotes the offending value in some messages ("Duplicate entry 'x' for key ..."). */
function withoutValues(message: string): string {
  return message.replace(/\b(entry|value:?) '(?:[^'\\]|\\.)*'/gi, "$1 '[omitted]'");
}

/** pino's error serializer, without the SQL text and key values a database error carries. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of VALUE_FIELDS) if (field in out) out[field] = '[omitted]';
  const message = typeof out.message === 'string' ? out.message : '';
  const cleaned = withoutValues(SQL_MESSAGE.test(message) ? `[statement omitted] - ${message.slice(message.lastIndexOf(' - ') + 3)}` : message);
  if (cleaned !== message) {
    out.message = cleaned;
    if (typeof out.stack === 'string') out.stack = out.stack.split(message).join(cleaned);
  }
  if (typeof out.sqlMessage === 'string') out.sqlMessage = withoutValues(out.sqlMessage);
  return out;
}

export function createLogger(options: { level: string; name?: string; pretty?: boolean }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'urna',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(options.pretty && !destination && prettyAvailable()
        ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }
        : {}),
    },
    destination,
  );
}

/** pino-pretty is a development dependency; a production install logs JSON. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
