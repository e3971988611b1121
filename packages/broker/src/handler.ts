/**
 * The Lambda entry of getSTScreds. Configuration, the STS client and the logger are made
 * once per container, at cold start; each invocation only runs the steps.
 */
import { createHandler } from './createHandler.ts';
import { createLogger } from './createLogger.ts';
import { createStsClient } from './createStsClient.ts';
import { readBrokerConfig } from './readBrokerConfig.ts';

const config = readBrokerConfig(process.env);

export const handler = createHandler({ config, sts: createStsClient(config), logger: createLogger() });
