import { createHmac, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { migrateLatest } from '../../shared/db/migrate.js';
import { createRepositories, type Repositories } from '../../shared/db/repositories/index.js';
import type { ElectionVersion } from '../../shared/db/repositories/elections.repository.js';
import type { Election } from '../../shared/domain/election/election.js';
import { Browser } from './http-client.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { electionVersion } from './election-fixtures.js';
import { startUrna, urnaEnv, type UrnaProcess } from './processes.js';

// One scenario of the fault and security suites: a scratch database (migrated, as the release
// step would), an APP_KEY shared by its web processes, a Redis prefix of its own, and the real
// processes it started, all torn down together.

export interface Scenario {
  kind: DatabaseKind;
  db: TestDatabase;
  repos: Repositories;
  appKey: string;
  redisPrefix: string;
  /** The URL the processes use for the database (a proxy's, when given). */
  databaseUrl: string;
  seed(overrides?: Partial<ElectionVersion>): Promise<Election>;
  /**
   * Signed-in browsers for many voters at once, made the way the sign-in makes them (a user row,
   * a session row with the user and a CSRF token, the signed cookie) but without the HTTP round
   * trips: for suites about voting, not about signing in (that is tested over HTTP elsewhere).
   */
  sessions(logins: string[], base: string): Promise<Array<{ browser: Browser; csrf: string }>>;
  /** Starts a process with this scenario's environment, plus `extra`. */
  start(services: string, extra?: Record<string, string>, name?: string): Promise<UrnaProcess>;
  processes: UrnaProcess[];
  close(): Promise<void>;
}

export function serverUrl(kind: 'postgres' | 'mysql' | 'redis'): string | undefined {
  return inject('services')[kind];
}

export async function createScenario(kind: DatabaseKind, options: { redisUrl?: string | null; databaseUrl?: (direct: string) => string } = {}): Promise<Scenario> {
  const db = await createTestDatabase(kind);
  await migrateLatest(db.db);
  const repos = createRepositories(db.db);
  const appKey = randomBytes(24).toString('hex');
  const redisPrefix = `urna-f-${randomBytes(5).toString('hex')}`;
  const direct = kind === 'sqlite' ? `sqlite:${db.config.connection}` : db.config.connection;
  const databaseUrl = options.databaseUrl ? options.databaseUrl(direct) : direct;
  const redisUrl = options.redisUrl === undefined ? serverUrl('redis') : options.redisUrl ?? undefined;
  const processes: UrnaProcess[] = [];
  return {
    kind,
    db,
    repos,
    appKey,
    redisPrefix,
    databaseUrl,
    processes,
    seed: (overrides = {}) => db.db.transaction((trx) => repos.elections.saveVersion(trx, electionVersion(overrides))),
    async sessions(logins, base) {
      const out: Array<{ browser: Browser; csrf: string }> = [];
      for (const [i, login] of logins.entries()) {
        const user = await repos.users.upsertByLogin(login, null);
        const sid = randomBytes(24).toString('base64url');
        const csrf = randomBytes(32).toString('base64url');
        const expires = new Date(Date.now() + 24 * 3_600_000);
        const data = {
          cookie: { originalMaxAge: 24 * 3_600_000, expires: expires.toISOString(), secure: false, httpOnly: true, path: '/', sameSite: 'lax' },
          user: { id: user.id, login: user.login, name: user.name },
          csrfToken: csrf,
        };
        await repos.sessions.set(sid, JSON.stringify(data), expires);
        const browser = new Browser(base, ipOf(i + 1));
        browser.cookies.set('urna.sid', encodeURIComponent(`s:${signCookie(sid, appKey)}`));
        out.push({ browser, csrf });
      }
      return out;
    },
    async start(services, extra = {}, name) {
      const env = urnaEnv({ databaseUrl, redisUrl, redisPrefix, appKey, extra });
      const proc = await startUrna({ services, env, name });
      processes.push(proc);
      return proc;
    },
    async close() {
      await Promise.all(processes.map((p) => p.kill9()));
      await db.drop();
      // Processes may have been pointed at Redis through a proxy: clean the prefix on the real server.
      const server = serverUrl('redis');
      if (server) await deleteRedisPrefix(server, redisPrefix);
    },
  };
}

export function voterLogins(count: number, prefix = 'voter'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
}

/** A distinct loopback-proxied client address per simulated voter. */
export function ipOf(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** Every Redis key under `prefix:` (BullMQ's queues of one scenario). */
export async function redisKeys(redisUrl: string, prefix: string): Promise<string[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const keys = await redisKeys(redisUrl, prefix);
  if (keys.length === 0) return;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

/** express-session's cookie signature (cookie-signature's sign). */
function signCookie(value: string, secret: string): string {
  return `${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`;
}
