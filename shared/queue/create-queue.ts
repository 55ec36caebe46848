import type { Logger } from '../logging/logger.js';
import { BullmqQueue } from './bullmq-queue.js';
import { InProcessQueue } from './in-process-queue.js';
import type { JobDefinitions } from './job-definitions.js';
import type { JobQueue } from './job-queue.js';

/** BullMQ when Redis is configured, otherwise the in-process adapter of the embedded default. */
export function createQueue<D extends JobDefinitions>(definitions: D, redis: { url: string | null; prefix: string }, logger: Logger): JobQueue<D> {
  return redis.url ? new BullmqQueue(definitions, logger, { redisUrl: redis.url, prefix: redis.prefix }) : new InProcessQueue(definitions, logger);
}
