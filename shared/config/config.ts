import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseKey } from '../crypto/ballot-keyring.js';
import { envSchema, type RawEnv } from './env-schema.js';

export const SERVICE_NAMES = ['web', 'sync-worker', 'tally-worker'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type DatabaseClient = 'pg' | 'mysql2' | 'better-sqlite3';

export interface DatabaseConfig {
  client: DatabaseClient;
  /** A connection URL for pg/mysql2, a file path (or ':memory:') for better-sqlite3. */
  connection: string;
  poolMax: number;
}

export interface Config {
  appName: string;
  appEnv: 'development' | 'production' | 'test';
  /** No DATABASE_URL/DB_CONNECTION: SQLite under ./data, demo meta repo, one process. */
  embedded: boolean;
  appUrl: string;
  host: string;
  port: number;
  /** Session-signing secret; null only in the embedded default, which generates one. */
  appKey: string | null;
  trustProxy: string | null;
  logLevel: RawEnv['LOG_LEVEL'];
  services: ServiceName[];
  shutdownTimeoutMs: number;
  dataDir: string;
  database: DatabaseConfig;
  redisUrl: string | null;
  /** Prefix of every Redis key, so installations (or test runs) can share one Redis. */
  redisPrefix: string;
  meta: {
    /** Clone URL or local path; null means the shipped demo repository is materialised. */
    repo: string | null;
    branch: string;
    checkoutPath: string;
    electionDir: string;
    webhookSecret: string | null;
    syncIntervalSeconds: number;
  };
  github: { clientId: string | null; clientSecret: string | null; redirectPath: string; baseUrl: string; apiUrl: string };
  devLogin: boolean;
  ballots: {
    minPasscodeLength: number;
    /** `queue`: derivations that may wait for a slot; past that a vote with a passphrase gets 503. */
    kdf: { memoryKiB: number; passes: number; parallelism: number; concurrency: number; queue: number };
    /** The master ballot key (BALLOT_KEY or BALLOT_KEY_FILE); null in the embedded default until generated. */
    masterKey: Buffer | null;
    /** Only the web part of it (BALLOT_WEB_KEY), for web processes that must not open ballots. */
    webKey: Buffer | null;
  };
  /** `compression`: gzip/brotli in the web process; off when a reverse proxy compresses instead. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; compression: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface LoadOptions {
  /** `--services` from the command line; wins over SERVICES. */
  services?: string;
  cwd?: string;
  cpus?: number;
  /** For one-off commands (migrate, sync): skip the checks that only matter to long-running services. */
  command?: boolean;
}

/** Validates the environment once and returns the whole configuration, or throws with every problem. */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadOptions = {}): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v.trim() !== ''),
  );
  const problems: string[] = [];
  let parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    // Report each invalid variable, then check the rest without them so that problems between
    // variables are listed in the same run.
    const invalid = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    parsed = envSchema.safeParse(Object.fromEntries(Object.entries(cleaned).filter(([k]) => !invalid.has(k))));
    if (!parsed.success) throw new ConfigError(problems);
  }
  const e = parsed.data;
  const cwd = options.cwd ?? process.cwd();
  const dataDir = resolve(cwd, 'data');
  const embedded = !e.DATABASE_URL && !e.DB_CONNECTION;
  const appEnv = e.APP_ENV ?? (embedded ? 'development' : 'production');
  const services = parseServices(options.services ?? e.SERVICES, problems);
  const database = databaseConfig(e, dataDir, cwd, problems);
  const devLogin = e.DEV_LOGIN ?? appEnv === 'development';
  const host = e.APP_HOST ?? (appEnv === 'production' ? '0.0.0.0' : '127.0.0.1');

  if (devLogin && appEnv !== 'development') {
    problems.push(`DEV_LOGIN: the development login is allowed only with APP_ENV=development (APP_ENV is ${appEnv})`);
  }
  if (appEnv === 'production' && !options.command) {
    if (!e.APP_KEY) problems.push('APP_KEY: required in production (a random string of at least 32 characters)');
    else if (e.APP_KEY.length < 32) problems.push('APP_KEY: must be at least 32 characters long');
    if (services.includes('web') && (!e.GITHUB_CLIENT_ID || !e.GITHUB_CLIENT_SECRET)) {
      problems.push('GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET: required for the web service in production');
    }
    if (services.includes('sync-worker') && !e.META_REPO) {
      problems.push('META_REPO: required for the sync worker in production (clone URL or local path)');
    }
  }
  if (!e.REDIS_URL && services.length < SERVICE_NAMES.length && !options.command) {
    problems.push(
      `SERVICES: without REDIS_URL the in-process queue needs web, sync-worker and tally-worker in one process ` +
        `(asked for ${services.join(',')}); set REDIS_URL to run them separately`,
    );
  }
  if (!e.GITHUB_REDIRECT.startsWith('/')) problems.push('GITHUB_REDIRECT: must be a path starting with /');
  const { masterKey, webKey } = ballotKeys(e, cwd, problems);
  if (!embedded && !options.command) problems.push(...missingBallotKey(e, services));
  if (e.HTTP_HEADERS_TIMEOUT <= e.HTTP_KEEP_ALIVE_TIMEOUT) {
    problems.push('HTTP_HEADERS_TIMEOUT: must be longer than HTTP_KEEP_ALIVE_TIMEOUT (Node closes idle sockets otherwise mid-request)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    appName: e.APP_NAME,
    appEnv,
    embedded,
    appUrl: (e.APP_URL ?? `http://localhost:${e.APP_PORT}`).replace(/\/$/, ''),
    host,
    port: e.APP_PORT,
    appKey: e.APP_KEY ?? null,
    trustProxy: e.TRUST_PROXY ?? null,
    logLevel: e.LOG_LEVEL,
    services,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT * 1000,
    dataDir,
    database,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    meta: {
      repo: e.META_REPO ?? null,
      branch: e.META_BRANCH,
      checkoutPath: resolve(cwd, e.META_PATH ?? resolve(dataDir, 'meta')),
      electionDir: e.ELECTION_DIR.replace(/^\/+|\/+$/g, ''),
      webhookSecret: e.META_SECRET ?? null,
      syncIntervalSeconds: e.SYNC_INTERVAL,
    },
    github: {
      clientId: e.GITHUB_CLIENT_ID ?? null,
      clientSecret: e.GITHUB_CLIENT_SECRET ?? null,
      redirectPath: e.GITHUB_REDIRECT,
      baseUrl: e.GITHUB_BASE_URL.replace(/\/$/, ''),
      apiUrl: e.GITHUB_API_URL.replace(/\/$/, ''),
    },
    devLogin,
    ballots: {
      minPasscodeLength: e.MIN_PASSCODE_LENGTH,
      kdf: {
        memoryKiB: e.KDF_MEMORY_KIB,
        passes: e.KDF_PASSES,
        parallelism: e.KDF_PARALLELISM,
        // Each derivation holds KDF_MEMORY_KIB; by default allow one per core.
        concurrency: e.KDF_CONCURRENCY ?? Math.max(1, options.cpus ?? 2),
        // A few seconds of derivations (about 100/s on two cores at the defaults) may wait: a
        // burst of voters is served, and past that a voter is told to retry rather than left
        // hanging until the proxy gives up. One voter's copies never queue (see InFlight).
        queue: e.KDF_QUEUE ?? 512,
      },
      masterKey,
      webKey,
    },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT * 1000,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT * 1000,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT * 1000,
      compression: e.COMPRESSION ?? true,
    },
  };
}

/** Which services lack the ballot key they need (an unreadable key is reported by ballotKeys). */
function missingBallotKey(e: RawEnv, services: ServiceName[]): string[] {
  if (e.BALLOT_KEY || e.BALLOT_KEY_FILE) return [];
  const needMaster = services.filter((s) => s !== 'web');
  if (needMaster.length) {
    return [`BALLOT_KEY: required by ${needMaster.join(' and ')} (32 random bytes: openssl rand -hex 32; or BALLOT_KEY_FILE` +
      `${e.BALLOT_WEB_KEY ? '; BALLOT_WEB_KEY serves the web service only' : ''})`];
  }
  return e.BALLOT_WEB_KEY ? [] : ['BALLOT_KEY: required by the web service (or BALLOT_WEB_KEY, its web-only part: `urna keys web-key`)'];
}

function ballotKeys(e: RawEnv, cwd: string, problems: string[]): { masterKey: Buffer | null; webKey: Buffer | null } {
  const read = (text: string, name: string): Buffer | null => {
    try {
      return parseKey(text, name);
    } catch (err) {
      problems.push((err as Error).message);
      return null;
    }
  };
  let masterKey: Buffer | null = null;
  if (e.BALLOT_KEY && e.BALLOT_KEY_FILE) problems.push('BALLOT_KEY, BALLOT_KEY_FILE: set one of them, not both');
  else if (e.BALLOT_KEY) masterKey = read(e.BALLOT_KEY, 'BALLOT_KEY');
  else if (e.BALLOT_KEY_FILE) {
    let text: string | null = null;
    try {
      text = readFileSync(resolve(cwd, e.BALLOT_KEY_FILE), 'utf8');
    } catch (err) {
      problems.push(`BALLOT_KEY_FILE: cannot read ${e.BALLOT_KEY_FILE} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (text !== null) masterKey = read(text, 'BALLOT_KEY_FILE');
  }
  const webKey = e.BALLOT_WEB_KEY ? read(e.BALLOT_WEB_KEY, 'BALLOT_WEB_KEY') : null;
  if (masterKey && webKey) problems.push('BALLOT_WEB_KEY: set it only where BALLOT_KEY is not (it is derived from BALLOT_KEY)');
  return { masterKey, webKey };
}

function parseServices(value: string | undefined, problems: string[]): ServiceName[] {
  if (!value) return [...SERVICE_NAMES];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
  if (unknown.length) problems.push(`SERVICES: unknown service ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')})`);
  if (names.length === 0) problems.push('SERVICES: name at least one service');
  return SERVICE_NAMES.filter((n) => names.includes(n));
}

function databaseConfig(e: RawEnv, dataDir: string, cwd: string, problems: string[]): DatabaseConfig {
  const poolMax = e.DB_POOL_MAX;
  if (e.DATABASE_URL) {
    const u = new URL(e.DATABASE_URL);
    if (u.protocol === 'sqlite:') {
      const file = decodeURIComponent(e.DATABASE_URL.slice('sqlite:'.length).replace(/^\/\//, ''));
      return { client: 'better-sqlite3', connection: file === ':memory:' ? file : resolve(cwd, file), poolMax: 1 };
    }
    const client = u.protocol.startsWith('postgres') ? 'pg' : 'mysql2';
    return { client, connection: e.DATABASE_URL, poolMax };
  }
  switch (e.DB_CONNECTION) {
    case undefined:
      return { client: 'better-sqlite3', connection: resolve(dataDir, 'urna.sqlite'), poolMax: 1 };
    case 'sqlite':
      return { client: 'better-sqlite3', connection: resolve(cwd, e.DB_PATH ?? resolve(dataDir, 'urna.sqlite')), poolMax: 1 };
    default: {
      const pg = e.DB_CONNECTION.startsWith('postgres');
      if (!e.DB_DATABASE) problems.push('DB_DATABASE: required with DB_CONNECTION=' + e.DB_CONNECTION);
      const u = new URL(pg ? 'postgres://x' : 'mysql://x');
      u.hostname = e.DB_HOST;
      u.port = String(e.DB_PORT ?? (pg ? 5432 : 3306));
      u.username = encodeURIComponent(e.DB_USERNAME ?? (pg ? 'postgres' : 'root'));
      u.password = encodeURIComponent(e.DB_PASSWORD ?? '');
      u.pathname = `/${encodeURIComponent(e.DB_DATABASE ?? '')}`;
      return { client: pg ? 'pg' : 'mysql2', connection: u.toString(), poolMax };
    }
  }
}
