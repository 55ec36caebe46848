import { Router } from 'express';
import type { Kernel } from '../../../shared/kernel/kernel.js';

/** /healthz: the process is alive. /readyz: its database (and Redis, when configured) answer. */
export function healthRoutes(kernel: Pick<Kernel, 'readiness'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await kernel.readiness();
    res.set('Cache-Control', 'no-store').status(report.ok ? 200 : 503).json(report);
  });
  return router;
}
