import express, { type Express } from 'express';
import type { Kernel } from '../../shared/kernel/kernel.js';
import { healthRoutes } from './routes/health.routes.js';
import { webhookRoutes } from './routes/webhook.routes.js';

/** The web application: health, then the voter and officer pages, then error handling. */
export async function createWebApp(kernel: Kernel): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  if (kernel.config.trustProxy) app.set('trust proxy', kernel.config.trustProxy);
  app.use(healthRoutes(kernel));
  app.use(webhookRoutes(kernel)); // before any body parser: it verifies the raw body's signature
  return app;
}
