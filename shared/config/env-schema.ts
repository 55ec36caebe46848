import { z } from 'zod';

// Every environment variable Urna reads, in one place. Names follow Elekto's where the meaning
// matches (APP_*, DB_*, META_*, GITHUB_*, MIN_PASSCODE_LENGTH) so an existing deployment's
// environment keeps working. Empty strings count as unset, as in Elekto.

const bool = z
  .string()
  .transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (['1', 'true', 't', 'yes', 'y', 'on'].includes(s)) return true;
    if (['0', 'false', 'f', 'no', 'n', 'off'].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
    return z.NEVER;
  });

const int = (min: number, max: number) =>
  z.string().transform((v, ctx) => {
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

/** "300", "300s", "5m", "1h" → seconds. */
const duration = z.string().transform((v, ctx) => {
  const m = /^(\d+)\s*(s|m|h)?$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 300, 90s, 5m or 1h, got "${v}"` });
    return z.NEVER;
  }
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(m[2] ?? 's') as 's' | 'm' | 'h'];
});

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

export const envSchema = z.object({
  APP_NAME: z.string().default('Urna'),
  APP_ENV: z.enum(['development', 'production', 'test']).optional(),
  APP_URL: url(['http:', 'https:']).optional(),
  APP_HOST: z.string().optional(),
  APP_PORT: int(0, 65535).default(5000),
  APP_KEY: z.string().optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVICES: z.string().optional(),
  SHUTDOWN_TIMEOUT: duration.default(25),

  DATABASE_URL: url(['postgres:', 'postgresql:', 'mysql:', 'mariadb:', 'sqlite:']).optional(),
  DB_CONNECTION: z.enum(['postgresql', 'postgres', 'mysql', 'mariadb', 'sqlite']).optional(),
  DB_HOST: z.string().default('localhost'),
  DB_PORT: int(1, 65535).optional(),
  DB_USERNAME: z.string().optional(),
  DB_PASSWORD: z.string().optional(),
  DB_DATABASE: z.string().optional(),
  DB_PATH: z.string().optional(),
  DB_POOL_MAX: int(1, 200).default(10),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z.string().regex(/^[\w.-]+$/, 'letters, digits, . _ - only').default('urna'),

  META_REPO: z.string().optional(),
  META_BRANCH: z.string().default('main'),
  META_PATH: z.string().optional(),
  ELECTION_DIR: z.string().default('elections'),
  META_SECRET: z.string().optional(),
  SYNC_INTERVAL: duration.default(300),

  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GITHUB_REDIRECT: z.string().default('/oauth/github/callback'),
  GITHUB_BASE_URL: url(['http:', 'https:']).default('https://github.com'),
  GITHUB_API_URL: url(['http:', 'https:']).default('https://api.github.com'),
  DEV_LOGIN: bool.optional(),

  MIN_PASSCODE_LENGTH: int(1, 1024).default(8),
  KDF_MEMORY_KIB: int(8 * 1024, 4 * 1024 * 1024).default(19 * 1024),
  KDF_PASSES: int(1, 100).default(2),
  KDF_PARALLELISM: int(1, 16).default(1),
  KDF_CONCURRENCY: int(1, 256).optional(),
  KDF_QUEUE: int(0, 100_000).optional(),
  BALLOT_KEY: z.string().optional(),
  BALLOT_KEY_FILE: z.string().optional(),
  BALLOT_WEB_KEY: z.string().optional(),

  HTTP_HEADERS_TIMEOUT: duration.default(66),
  HTTP_REQUEST_TIMEOUT: duration.default(30),
  HTTP_KEEP_ALIVE_TIMEOUT: duration.default(65),
  COMPRESSION: bool.optional(),
});

export type RawEnv = z.infer<typeof envSchema>;
