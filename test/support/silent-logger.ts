import { createLogger } from '../../shared/logging/logger.js';

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger = createLogger({ level: 'silent' });
