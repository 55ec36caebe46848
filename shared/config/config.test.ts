import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>, services?: string): string[] {
  try {
    loadConfig(env, { services, cwd: '/srv/urna' });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives the embedded default with no configuration at all', () => {
    const c = loadConfig({}, { cwd: '/srv/urna' });
    expect(c.embedded).toBe(true);
    expect(c.appEnv).toBe('development');
    expect(c.devLogin).toBe(true);
    expect(c.port).toBe(5000);
    expect(c.database).toEqual({ client: 'better-sqlite3', connection: '/srv/urna/data/urna.sqlite', poolMax: 1 });
    expect(c.redisUrl).toBeNull();
    expect(c.services).toEqual(['web', 'sync-worker', 'tally-worker']);
    expect(c.meta.repo).toBeNull();
    expect(c.meta.syncIntervalSeconds).toBe(300);
    expect(c.ballots.kdf).toMatchObject({ memoryKiB: 19 * 1024, passes: 2, parallelism: 1 });
  });

  it('reads DATABASE_URL, REDIS_URL and Elekto-style DB_* variables', () => {
    const base = { APP_KEY: 'k'.repeat(40), BALLOT_KEY: 'ab'.repeat(32), GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 's', META_REPO: 'https://example.org/meta.git' };
    const pg = loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@db:5432/urna', REDIS_URL: 'redis://r:6379' });
    expect(pg.database.client).toBe('pg');
    expect(pg.appEnv).toBe('production');
    expect(pg.devLogin).toBe(false);
    expect(pg.host).toBe('0.0.0.0');
    const my = loadConfig({ ...base, DB_CONNECTION: 'mysql', DB_HOST: 'db', DB_DATABASE: 'urna', DB_PASSWORD: 'p@ss/word' });
    expect(my.database.client).toBe('mysql2');
    expect(new URL(my.database.connection).port).toBe('3306');
    expect(decodeURIComponent(new URL(my.database.connection).password)).toBe('p@ss/word');
  });

  it('treats empty strings as unset, as Elekto does', () => {
    expect(loadConfig({ APP_PORT: '', REDIS_URL: '  ' }).port).toBe(5000);
  });

  it('parses durations', () => {
    expect(loadConfig({ SYNC_INTERVAL: '5m' }).meta.syncIntervalSeconds).toBe(300);
    expect(loadConfig({ SYNC_INTERVAL: '90' }).meta.syncIntervalSeconds).toBe(90);
  });

  it('lists every problem at once, one clear message each', () => {
    const problems = problemsOf({
      APP_PORT: 'eighty',
      DATABASE_URL: 'oracle://db',
      LOG_LEVEL: 'loud',
      MIN_PASSCODE_LENGTH: '-1',
      DEV_LOGIN: 'maybe',
    });
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('APP_PORT'))).toMatch(/whole number/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toBeTruthy();
    expect(problems.find((p) => p.startsWith('MIN_PASSCODE_LENGTH'))).toBeTruthy();
    expect(problems.find((p) => p.startsWith('DEV_LOGIN'))).toMatch(/true or false/);
  });

  it('refuses the development login and missing secrets in production', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://db/urna', REDIS_URL: 'redis://r', DEV_LOGIN: 'true', APP_KEY: 'short' });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^DEV_LOGIN: .*only with APP_ENV=development/),
      expect.stringMatching(/^APP_KEY: must be at least 32/),
      expect.stringMatching(/^GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET: required/),
      expect.stringMatching(/^META_REPO: required/),
    ]));
  });

  it('refuses to split services without Redis, and unknown service names', () => {
    expect(problemsOf({}, 'web')).toEqual([expect.stringMatching(/^SERVICES: without REDIS_URL/)]);
    expect(problemsOf({ REDIS_URL: 'redis://x' }, 'web,mailer')).toEqual([expect.stringMatching(/unknown service mailer/)]);
    expect(loadConfig({ REDIS_URL: 'redis://x' }, { services: 'tally-worker' }).services).toEqual(['tally-worker']);
  });

  it('requires the master ballot key where ballots are sealed or opened, and reads it from a file too', () => {
    const base = { APP_KEY: 'k'.repeat(40), GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 's', META_REPO: 'https://x/m.git', DATABASE_URL: 'postgres://db/urna', REDIS_URL: 'redis://r' };
    expect(problemsOf(base)).toEqual([expect.stringMatching(/^BALLOT_KEY: required by sync-worker and tally-worker/)]);
    expect(problemsOf(base, 'web')).toEqual([expect.stringMatching(/^BALLOT_KEY: required by the web service \(or BALLOT_WEB_KEY/)]);
    const key = 'cd'.repeat(32);
    expect(problemsOf({ ...base, BALLOT_WEB_KEY: key }, 'web')).toEqual([]);
    expect(problemsOf({ ...base, BALLOT_WEB_KEY: key }, 'tally-worker')).toEqual([expect.stringMatching(/^BALLOT_KEY: required by tally-worker/)]);
    expect(problemsOf({ ...base, BALLOT_KEY: 'not a key' })).toEqual([expect.stringMatching(/^BALLOT_KEY: expected 32 random bytes/)]);
    expect(problemsOf({ ...base, BALLOT_KEY: key, BALLOT_KEY_FILE: '/k' })).toEqual([expect.stringMatching(/^BALLOT_KEY, BALLOT_KEY_FILE: set one/)]);
    expect(problemsOf({ ...base, BALLOT_KEY_FILE: '/nonexistent/ballot-key' })).toEqual([expect.stringMatching(/^BALLOT_KEY_FILE: cannot read \/nonexistent\/ballot-key \(ENOENT\)/)]);
    const dir = mkdtempSync(join(tmpdir(), 'urna-key-'));
    try {
      writeFileSync(join(dir, 'ballot-key'), `${key}\n`);
      const c = loadConfig({ ...base, BALLOT_KEY_FILE: join(dir, 'ballot-key') });
      expect(c.ballots.masterKey!.toString('hex')).toBe(key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Commands (migrate, keys) load without it; the embedded default generates one.
    expect(() => loadConfig(base, { command: true })).not.toThrow();
    expect(loadConfig({}).ballots.masterKey).toBeNull();
  });

  it('reads the HTTP timeouts, keeping headers longer than keep-alive', () => {
    const c = loadConfig({});
    expect(c.http).toEqual({ headersTimeoutMs: 66_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, compression: true });
    expect(problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT: '2m' })).toEqual([expect.stringMatching(/^HTTP_HEADERS_TIMEOUT: must be longer than HTTP_KEEP_ALIVE_TIMEOUT/)]);
    expect(loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT: '2m', HTTP_HEADERS_TIMEOUT: '121s', KDF_QUEUE: '0' }).ballots.kdf.queue).toBe(0);
  });

  it('compresses responses unless COMPRESSION is off (a reverse proxy compressing instead)', () => {
    expect(loadConfig({ COMPRESSION: 'off' }).http.compression).toBe(false);
    expect(loadConfig({ COMPRESSION: 'false' }).http.compression).toBe(false);
    expect(loadConfig({ COMPRESSION: 'on' }).http.compression).toBe(true);
    expect(problemsOf({ COMPRESSION: 'sometimes' })).toEqual([expect.stringMatching(/^COMPRESSION: expected true or false/)]);
  });
});
