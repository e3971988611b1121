import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The broker's structured JSON logger. Log levels follow `POWERTOOLS_LOG_LEVEL`.
 *
 * @example
 * const logger = createLogger();
 * logger.info('credentials issued', { accountId: '222222222222' });
 */
export function createLogger(): Logger {
  return new Logger({ serviceName: 'getSTScreds' });
}
