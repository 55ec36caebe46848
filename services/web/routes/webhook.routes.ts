// POST /v1/webhooks/meta/sync (Elekto's path): GitHub tells us the meta repository changed.
// The body is read raw, because the signature covers its exact bytes, and nothing is parsed
// before the signature holds. Answers follow GitHub's retry rules: 5xx is retried, 2xx/4xx not.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Kernel } from '../../../shared/kernel/kernel.js';

export const WEBHOOK_PATH = '/v1/webhooks/meta/sync';
/** GitHub caps payloads at 25 MB, but a push event for a meta repository is a few KiB. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

type WebhookKernel = Pick<Kernel, 'queue' | 'logger'> & { config: { meta: Pick<Kernel['config']['meta'], 'webhookSecret' | 'branch'> } };

export function webhookRoutes(kernel: WebhookKernel): Router {
  const router = Router();
  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const secret = kernel.config.meta.webhookSecret;
    if (!secret) {
      // Never accept unsigned: anyone could make every sync worker fetch on demand.
      kernel.logger.error('a meta webhook arrived but META_SECRET is not set; configure it to accept webhooks');
      res.status(503).json({ error: 'webhook secret not configured' });
      return;
    }
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signatureValid(secret, body, req.get('x-hub-signature-256'))) {
      kernel.logger.warn({ ip: req.ip, delivery: req.get('x-github-delivery') }, 'meta webhook with a missing or wrong signature');
      res.status(401).json({ error: 'invalid signature' });
      return;
    }

    const event = req.get('x-github-event') ?? 'push';
    if (event === 'ping') {
      res.status(200).json({ ok: true, event: 'ping' });
      return;
    }
    if (event !== 'push') {
      res.status(200).json({ ok: true, ignored: `event ${event}` });
      return;
    }
    const ref = pushRef(req, body);
    const wanted = `refs/heads/${kernel.config.meta.branch}`;
    if (ref !== undefined && ref !== wanted) {
      res.status(200).json({ ok: true, ignored: `push to ${ref}, not ${wanted}` });
      return;
    }
    try {
      const { jobId } = await kernel.queue.enqueue('sync-meta', { trigger: 'webhook' });
      res.status(202).json({ ok: true, jobId });
    } catch (err) {
      kernel.logger.error({ err }, 'meta webhook: the sync could not be queued; GitHub will retry');
      res.status(503).json({ error: 'queue unavailable, retry later' });
    }
  });

  const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
    const status = (err as { status?: number }).status;
    if (status === 413 || status === 400 || status === 415) {
      res.status(status).json({ error: status === 413 ? 'payload too large' : 'unreadable body' });
      return;
    }
    next(err);
  };
  router.use(WEBHOOK_PATH, bodyErrors);
  return router;
}

/**
 * HMAC-SHA256 of the raw body, compared in constant time. The sha1 `X-Hub-Signature` is not accepted.
 * Six lines of node:crypto rather than @octokit/webhooks-methods, whose verify() takes the payload
 * as a string: the signature covers the exact bytes received, which are checked before any decoding.
 */
export function signatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = header ? SIGNATURE.exec(header.trim()) : null;
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

/** The pushed ref, from a JSON body or GitHub's form encoding (`payload=<json>`); undefined if absent. */
function pushRef(req: Request, body: Buffer): string | undefined {
  try {
    let text = body.toString('utf8');
    if (req.is('application/x-www-form-urlencoded')) text = new URLSearchParams(text).get('payload') ?? '';
    const ref = (JSON.parse(text) as { ref?: unknown }).ref;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}
