import { createHmac } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../../shared/queue/in-process-queue.js';
import { urnaJobs, type UrnaJobs } from '../../../shared/queue/job-definitions.js';
import type { JobQueue } from '../../../shared/queue/job-queue.js';
import { silentLogger } from '../../../test/support/silent-logger.js';
import { WEBHOOK_BODY_LIMIT, WEBHOOK_PATH, webhookRoutes } from './webhook.routes.js';

const SECRET = 'It’s a Secret to Everybody';
const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const push = (ref = 'refs/heads/main') => JSON.stringify({ ref, after: 'abc', repository: { full_name: 'org/meta' } });

let queue: JobQueue<UrnaJobs> | undefined;
afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

function app(options: { secret?: string | null; queue?: JobQueue<UrnaJobs>; jsonParserAfter?: boolean } = {}) {
  queue = options.queue ?? new InProcessQueue(urnaJobs, silentLogger);
  const kernel = {
    queue,
    logger: silentLogger,
    config: { meta: { webhookSecret: options.secret === undefined ? SECRET : options.secret, branch: 'main' } },
  };
  const a = express();
  a.use(webhookRoutes(kernel));
  // What the real app mounts later must not matter: the webhook has read its body already.
  a.use(express.json());
  return a;
}

const waiting = async () => (await queue!.counts('git-sync')).waiting;

function post(a: express.Express, body: string | Buffer, headers: Record<string, string>) {
  let req = request(a).post(WEBHOOK_PATH).set('Content-Type', 'application/json');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send(body);
}

describe(`POST ${WEBHOOK_PATH}`, () => {
  it('accepts a signed push to the meta branch: 202 and one deduplicated sync job', async () => {
    const a = app();
    const body = push();
    const res = await post(a, body, { 'X-Hub-Signature-256': sign(body), 'X-GitHub-Event': 'push' });
    expect(res.status).toBe(202);
    expect(res.body.jobId).toBeTruthy();
    expect(await waiting()).toBe(1);
    const again = await post(a, body, { 'X-Hub-Signature-256': sign(body), 'X-GitHub-Event': 'push' });
    expect(again.status).toBe(202);
    expect(await waiting()).toBe(1);
  });

  it.each([
    ['a wrong secret', (b: string) => ({ 'X-Hub-Signature-256': sign(b, 'not the secret') })],
    ['no signature header', () => ({})],
    ['a malformed header', () => ({ 'X-Hub-Signature-256': 'sha256=zz' })],
    ['only the sha1 X-Hub-Signature', (b: string) => ({ 'X-Hub-Signature': `sha1=${createHmac('sha1', SECRET).update(b).digest('hex')}` })],
  ])('refuses %s with 401 and queues nothing', async (_label, headers) => {
    const a = app();
    const body = push();
    const res = await post(a, body, { 'X-GitHub-Event': 'push', ...headers(body) });
    expect(res.status).toBe(401);
    expect(await waiting()).toBe(0);
  });

  it('refuses a tampered body (signature of another body)', async () => {
    const a = app();
    const res = await post(a, push('refs/heads/main '), { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(push()) });
    expect(res.status).toBe(401);
    expect(await waiting()).toBe(0);
  });

  it('answers 503 when no secret is configured, and never accepts unsigned', async () => {
    const a = app({ secret: null });
    const body = push();
    const res = await post(a, body, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(body) });
    expect(res.status).toBe(503);
    expect(await waiting()).toBe(0);
  });

  it('answers a ping with 200', async () => {
    const a = app();
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const res = await post(a, body, { 'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': sign(body) });
    expect(res.status).toBe(200);
    expect(await waiting()).toBe(0);
  });

  it('ignores pushes to other branches and tags with 200', async () => {
    const a = app();
    for (const ref of ['refs/heads/feature', 'refs/tags/v1', 'refs/heads/main-old']) {
      const body = push(ref);
      const res = await post(a, body, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(body) });
      expect(res.status).toBe(200);
    }
    expect(await waiting()).toBe(0);
  });

  it('accepts GitHub\'s form encoding (payload=<json>)', async () => {
    const a = app();
    const body = `payload=${encodeURIComponent(push())}`;
    const res = await request(a).post(WEBHOOK_PATH).set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-GitHub-Event', 'push').set('X-Hub-Signature-256', sign(body)).send(body);
    expect(res.status).toBe(202);
  });

  it('answers 503 when the queue is unreachable, so GitHub retries', async () => {
    const down = new InProcessQueue(urnaJobs, silentLogger);
    down.enqueue = async () => { throw new Error('Connection is closed.'); };
    const a = app({ queue: down });
    const body = push();
    const res = await post(a, body, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(body) });
    expect(res.status).toBe(503);
  });

  it('refuses an oversized body with 413 before checking anything else', async () => {
    const a = app();
    const body = Buffer.alloc(WEBHOOK_BODY_LIMIT + 1, 'a');
    const res = await post(a, body, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(body) });
    expect(res.status).toBe(413);
    expect(await waiting()).toBe(0);
  });
});
