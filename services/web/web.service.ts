import type { Server } from 'node:http';
import type { Kernel, ServicePlugin } from '../../shared/kernel/kernel.js';
import { createWebApp } from './app.js';

export const webService: ServicePlugin = {
  name: 'web',
  async start(kernel: Kernel) {
    const app = await createWebApp(kernel);
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(kernel.config.port, kernel.config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    // Behind a reverse proxy: keep idle connections open longer than the proxy does (so it never
    // reuses one Node just closed), and bound how long a slow client may take to send a request.
    const { http } = kernel.config;
    server.keepAliveTimeout = http.keepAliveTimeoutMs;
    server.headersTimeout = http.headersTimeoutMs;
    server.requestTimeout = http.requestTimeoutMs;
    // Requests in flight complete; idle keep-alive sockets close at once so close() can finish.
    kernel.shutdown.add('intake', 'http server', () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), kernel.config.shutdownTimeoutMs).unref();
    }));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : kernel.config.port;
    kernel.logger.info({ url: kernel.config.appUrl, port }, 'web listening');
  },
};
