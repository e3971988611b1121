/**
 * The Lambda entry of getSTScreds. Configuration, the STS client, the logger and the policy
 * loader are made once per container, at cold start; each invocation only runs the steps.
 * A broken configuration does not crash the function: every request fails closed with
 * InternalError, and the cause is logged.
 */
import { deferredMetrics } from './audit/deferredMetrics.ts';
import { createHandler } from './createHandler.ts';
import { createLogger } from './createLogger.ts';
import { createStsClient } from './createStsClient.ts';
import { describeError } from './describeError.ts';
import { InternalError } from './errors.ts';
import { loadAccessPolicy } from './policy/loadAccessPolicy.ts';
import { readBrokerConfig } from './readBrokerConfig.ts';
import { toErrorResponse } from './toErrorResponse.ts';

const logger = createLogger();

const build = () => {
  try {
    const config = readBrokerConfig(process.env);
    return createHandler({
      config,
      sts: createStsClient(config),
      logger,
      loadPolicy: loadAccessPolicy(config.policySource),
      // Powertools Metrics is loaded with the first answer's metrics, off the cold start.
      metrics: deferredMetrics(
        async () => {
          const { Metrics } = await import('@aws-lambda-powertools/metrics');
          return new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
        },
        (error) => logger.warn('metrics are unavailable', { cause: describeError(error) }),
      ),
    });
  } catch (error) {
    logger.error('the broker cannot start: every request fails closed until its configuration is fixed', {
      cause: describeError(error),
    });
    return async (_event: unknown, context: { awsRequestId: string }) =>
      toErrorResponse(new InternalError('The broker is misconfigured'), context.awsRequestId);
  }
};

export const handler = build();
