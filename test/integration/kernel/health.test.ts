import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../shared/config/config.js';
import { bootKernel, type Kernel } from '../../../shared/kernel/kernel.js';
import { healthRoutes } from '../../../services/web/routes/health.routes.js';
import { silentLogger } from '../../support/silent-logger.js';

const dir = mkdtempSync(join(tmpdir(), 'urna-health-'));
const kernels: Kernel[] = [];
afterAll(async () => {
  for (const k of kernels) await k.shutdown.run('test over');
  rmSync(dir, { recursive: true, force: true });
});

async function appWith(env: Record<string, string>) {
  const config = loadConfig({ APP_ENV: 'test', DATABASE_URL: `sqlite:${join(dir, `${kernels.length}.sqlite`)}`, ...env }, { command: true });
  // A database the kernel migrates itself, as the embedded default does.
  const kernel = await bootKernel({ ...config, embedded: true }, [], { logger: silentLogger });
  kernels.push(kernel);
  return express().use(healthRoutes(kernel));
}

describe('health endpoints', () => {
  it('answers /healthz and /readyz when the database answers', async () => {
    const app = await appWith({});
    expect((await request(app).get('/healthz')).body).toEqual({ ok: true });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ok: true, checks: { database: { ok: true } } });
  });

  it('answers /health as /healthz does (Elekto\'s Kubernetes probe path)', async () => {
    const app = await appWith({});
    const [health, healthz] = await Promise.all([request(app).get('/health'), request(app).get('/healthz')]);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true });
    expect(health.body).toEqual(healthz.body);
    expect(health.headers['cache-control']).toBe('no-store');
    expect(health.headers['content-type']).toBe(healthz.headers['content-type']);
  });

  it('is not ready while the configured Redis is unreachable, but the database-only check still is', async () => {
    const app = await appWith({ REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis.ok).toBe(false);
    expect(ready.body.checks.database.ok).toBe(true);
    expect((await request(app).get('/readyz?check=database')).status).toBe(200);
  });

  it.skipIf(!inject('services').redis)('is ready with a reachable Redis', async () => {
    const app = await appWith({ REDIS_URL: inject('services').redis! });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.redis).toEqual({ ok: true });
  });
});
