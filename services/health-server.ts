import { createServer, type Server } from 'node:http';
import type { Kernel } from '../shared/kernel/kernel.js';

/**
 * Worker-only processes have no web app, but still answer /healthz and /readyz on APP_PORT so
 * orchestrators can probe them the same way.
 */
export async function startHealthServer(kernel: Kernel): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/readyz') {
      const report = await kernel.readiness();
      return sendJson(res, report.ok ? 200 : 503, report);
    }
    sendJson(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(kernel.config.port, kernel.config.host, resolve));
  kernel.shutdown.add('intake', 'health server', () => new Promise((r) => server.close(() => r())));
  return server;
}

function sendJson(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
