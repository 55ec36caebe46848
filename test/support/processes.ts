import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_BALLOT_KEY } from './ballots.js';

// Real Urna processes for the fault and security suites: `node --import tsx services/main.ts
// --services=...`, exactly what the Procfile runs (from source), with their pino output kept so
// tests can read the logs the way an operator (or an attacker holding them) would.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface UrnaProcess {
  name: string;
  /** APP_PORT: the web app, or the health server of a worker process. */
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown hooks, no flushing, open transactions abandoned mid-way. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

export interface UrnaProcessOptions {
  services: string;
  env: Record<string, string>;
  name?: string;
  /** Wait until /healthz answers (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

/** A port nobody listens on right now (the kernel may reuse it; good enough on loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Environment for a test process: development mode with the dev login, the smallest KDF the config allows. */
export function urnaEnv(options: {
  databaseUrl: string;
  redisUrl?: string;
  redisPrefix?: string;
  appKey: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    APP_ENV: 'development',
    DEV_LOGIN: 'true',
    APP_KEY: options.appKey,
    BALLOT_KEY: TEST_BALLOT_KEY,
    DATABASE_URL: options.databaseUrl,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_PREFIX: options.redisPrefix ?? `urna-t-${randomBytes(4).toString('hex')}` } : {}),
    // Behind "a proxy" on loopback: tests give each simulated voter its own X-Forwarded-For, so
    // per-IP login limits act as they would for real voters.
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: 'info',
    KDF_MEMORY_KIB: '8192',
    KDF_PASSES: '1',
    KDF_CONCURRENCY: '2',
    SHUTDOWN_TIMEOUT: '5',
    DB_POOL_MAX: '8',
    ...options.extra,
  };
}

export async function startUrna(options: UrnaProcessOptions): Promise<UrnaProcess> {
  const port = options.env.APP_PORT ? Number(options.env.APP_PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const name = options.name ?? options.services;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    APP_HOST: '127.0.0.1',
    APP_URL: url,
    ...options.env,
    APP_PORT: String(port),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/main.ts', `--services=${options.services}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })));
  let gone = false;
  void exited.then(() => { gone = true; });

  const proc: UrnaProcess = {
    name,
    port,
    url,
    child,
    output: () => chunks.join(''),
    exited,
    async kill9() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 15_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };

  if (options.waitReady !== false) {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
    for (;;) {
      if (gone) throw new Error(`${name} exited before it was ready:\n${proc.output().slice(-3000)}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await proc.kill9();
        throw new Error(`${name} did not become ready:\n${proc.output().slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return proc;
}

/** The JSON log lines a process wrote (non-JSON lines are skipped). */
export function logLines(proc: Pick<UrnaProcess, 'output'>): Array<Record<string, unknown>> {
  return proc.output().split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
