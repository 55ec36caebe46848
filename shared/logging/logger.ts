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

export function createLogger(options: { level: string; name?: string; pretty?: boolean }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'urna',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
