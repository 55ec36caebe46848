import net from 'node:net';
import type { TestProject } from 'vitest/node';

// Finds the PostgreSQL, MariaDB and Redis the integration suites run against: the TEST_*_URL
// variables when set, otherwise the usual ports on 127.0.0.1. On CI every one must answer; on a
// laptop without them their suites skip, and this prints which and why.

const DEFAULTS = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: 'mysql://root@127.0.0.1:3306/test',
  redis: 'redis://127.0.0.1:6379',
} as const;

type ServiceName = keyof typeof DEFAULTS;

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port), timeout: 1500 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const found: Partial<Record<ServiceName, string>> = {};
  const missing: string[] = [];
  for (const name of Object.keys(DEFAULTS) as ServiceName[]) {
    const url = process.env[`TEST_${name.toUpperCase()}_URL`] || DEFAULTS[name];
    if (await reachable(url)) found[name] = url;
    else missing.push(`${name} (${url})`);
  }
  if (missing.length) {
    const message = `Integration services not reachable: ${missing.join(', ')}`;
    if (process.env.CI) throw new Error(`${message}. CI must run every suite.`);
    console.warn(`\n⚠ ${message}: their suites are SKIPPED.\n`);
  }
  project.provide('services', found);
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Partial<Record<ServiceName, string>>;
  }
}
