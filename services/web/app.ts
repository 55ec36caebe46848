import express, { type Express } from 'express';
import type { Kernel } from '../../shared/kernel/kernel.js';
import { healthRoutes } from './routes/health.routes.js';

/** The web application: health, then the voter and officer pages, then error handling. */
export async function createWebApp(kernel: Kernel): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  if (kernel.config.trustProxy) app.set('trust proxy', kernel.config.trustProxy);
  app.use(healthRoutes(kernel));
  return app;
}
