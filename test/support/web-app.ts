import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import supertest from 'supertest';
import { loadConfig, type Config } from '../../shared/config/config.js';
import { migrateLatest } from '../../shared/db/migrate.js';
import type { ElectionVersion } from '../../shared/db/repositories/elections.repository.js';
import type { Election } from '../../shared/domain/election/election.js';
import { bootKernel, type Kernel } from '../../shared/kernel/kernel.js';
import type { Logger } from '../../shared/logging/logger.js';
import { createWebApp } from '../../services/web/app.js';
import type { WebLimits } from '../../services/web/web-env.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { electionVersion } from './election-fixtures.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { silentLogger } from './silent-logger.js';
import { TEST_BALLOT_KEY } from './ballots.js';

export type Agent = ReturnType<typeof supertest.agent>;

export interface TestWebApp {
  kernel: Kernel;
  app: Express;
  config: Config;
  /** http://127.0.0.1:<port>, where the app listens (APP_URL). */
  url: string;
  github: FakeGitHub;
  db: TestDatabase;
  /** The kernel's clock: real time shifted by `offsetMs`. */
  clock: { offsetMs: number; set(at: Date): void; reset(): void };
  /** Saves an election version (defaults from electionVersion()) as sync would. */
  seedElection(overrides?: Partial<ElectionVersion>): Promise<Election>;
  /** A cookie-keeping client for this app. */
  agent(): Agent;
  /** Signs in through the real OAuth flow against the fake GitHub; returns the page it lands on. */
  login(agent: Agent, login: string, next?: string): Promise<supertest.Response>;
  close(): Promise<void>;
}

export interface TestWebAppOptions {
  kind?: DatabaseKind;
  /** Extra environment (e.g. MIN_PASSCODE_LENGTH); APP_ENV=development turns on DEV_LOGIN. */
  env?: Record<string, string>;
  limits?: Partial<WebLimits>;
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Last changes to the loaded configuration (e.g. a web-only ballot key). */
  configure?: (config: Config) => Config;
}

/** The real app over a scratch database, listening on loopback, with a fake GitHub beside it. */
export async function startTestWebApp(options: TestWebAppOptions = {}): Promise<TestWebApp> {
  const db = await createTestDatabase(options.kind ?? 'sqlite');
  await migrateLatest(db.db);
  const github = await startFakeGitHub();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const loaded = loadConfig({
    APP_ENV: 'test',
    APP_URL: url,
    APP_KEY: randomBytes(24).toString('hex'),
    BALLOT_KEY: TEST_BALLOT_KEY,
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_BASE_URL: github.url,
    GITHUB_API_URL: github.apiUrl,
    LOG_LEVEL: 'silent',
    // The smallest KDF the config allows keeps tests fast; the code path is the production one.
    KDF_MEMORY_KIB: '8192',
    KDF_PASSES: '1',
    ...options.env,
  });
  const config: Config = (options.configure ?? ((c) => c))({ ...loaded, embedded: false, database: db.config });
  const clock = {
    offsetMs: 0,
    set(at: Date) { clock.offsetMs = at.getTime() - Date.now(); },
    reset() { clock.offsetMs = 0; },
  };
  const kernel = await bootKernel(config, [], { logger: options.logger ?? silentLogger, now: () => new Date(Date.now() + clock.offsetMs) });
  const app = await createWebApp(kernel, { limits: options.limits });
  server.on('request', app);

  const agent = () => supertest.agent(url);
  return {
    kernel, app, config, url, github, db, clock, agent,
    seedElection: (overrides = {}) => kernel.db.transaction((trx) => kernel.repos.elections.saveVersion(trx, electionVersion(overrides))),
    async login(a, login, next = '/app') {
      github.authorizeAs(login, `${login} Name`);
      const page = await a.get(`/login?next=${encodeURIComponent(next)}`);
      const start = await a.post('/oauth/github/login').type('form').send({ _csrf: csrfFrom(page.text), next });
      if (start.status !== 302) throw new Error(`login start answered ${start.status}`);
      const authorize = await fetch(start.headers.location, { redirect: 'manual' });
      const callback = new URL(authorize.headers.get('location')!);
      const done = await a.get(callback.pathname + callback.search);
      if (done.status !== 303) throw new Error(`login callback answered ${done.status}: ${done.text.slice(0, 300)}`);
      return a.get(done.headers.location);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kernel.shutdown.run('test finished');
      await github.close();
      await db.drop();
    },
  };
}

/** The CSRF token from a page's first form (or the htmx header on <body>). */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1];
}

export { electionVersion };
