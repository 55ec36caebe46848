import type { ServiceName } from '../shared/config/config.js';
import type { ServicePlugin } from '../shared/kernel/kernel.js';
import { syncWorkerService } from './sync-worker/sync-worker.service.js';
import { tallyWorkerService } from './tally-worker/tally-worker.service.js';
import { webService } from './web/web.service.js';

/** Service name (as in --services and the Procfile) → plug-in. */
export const SERVICES: Record<ServiceName, ServicePlugin> = {
  web: webService,
  'sync-worker': syncWorkerService,
  'tally-worker': tallyWorkerService,
};
