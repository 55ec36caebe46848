import { Router } from 'express';
import type { Kernel } from '../../../shared/kernel/kernel.js';

/**
 * /healthz: the process is alive. /readyz: its database (and Redis, when configured) answer.
 * /health answers as /healthz does: Elekto's Kubernetes manifest probes it, so an operator who swaps
 * Elekto's image for Urna's keeps a ready pod without editing the manifest.
 * `/readyz?check=database` limits the checks: the web's readiness probe uses it, because pages and
 * voting keep working while Redis is down and a shared Redis outage must not empty the load balancer.
 */
export function healthRoutes(kernel: Pick<Kernel, 'readiness'>): Router {
  const router = Router();
  router.get(['/healthz', '/health'], (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', async (req, res) => {
    const only = typeof req.query.check === 'string' ? req.query.check.split(',') : undefined;
    const report = await kernel.readiness(only);
    res.set('Cache-Control', 'no-store').status(report.ok ? 200 : 503).json(report);
  });
  return router;
}
