import type { Logger } from '@aws-lambda-powertools/logger';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { assumeRole } from './assumeRole.ts';
import type { BrokerResponse } from './contract.ts';
import { describeError } from './describeError.ts';
import { BrokerError, InternalError } from './errors.ts';
import type { BrokerConfig } from './readBrokerConfig.ts';
import { redactKeyId } from './redactKeyId.ts';
import { toCredentialResponse } from './toCredentialResponse.ts';
import { toErrorResponse } from './toErrorResponse.ts';
import { validateRequest } from './validateRequest.ts';

export interface BrokerDependencies {
  readonly config: BrokerConfig;
  readonly sts: STSClient;
  readonly logger: Logger;
}

/** The broker as Lambda calls it: an event in, a contract v1 body out, never a throw. */
export type BrokerHandler = (
  event: unknown,
  context: Pick<Context, 'awsRequestId'>,
) => Promise<BrokerResponse>;

type LogFields = Record<string, unknown>;

/** Session names show up in the target account's CloudTrail; the request id ties them to the broker's logs. */
const defaultSessionName = (requestId: string): string =>
  `stscreds-${requestId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);

const logFailure = (logger: Logger, error: BrokerError, fields: LogFields): void => {
  const entry = { ...fields, code: error.code, reason: error.message, cause: describeError(error.cause) };
  switch (error.code) {
    case 'ValidationError':
      logger.info('request refused', { ...fields, code: error.code, reason: error.message });
      return;
    case 'AccessDenied':
    case 'Throttled':
      logger.warn('request failed', entry);
      return;
    default:
      logger.error('request failed', entry);
  }
};

/**
 * Wires the broker's steps: validate, assume, respond. Dependencies are passed in so the
 * Lambda entry, the local organization and the tests each bring their own.
 *
 * @example
 * export const handler = createHandler({ config, sts: createStsClient(config), logger: createLogger() });
 */
export function createHandler({ config, sts, logger }: BrokerDependencies): BrokerHandler {
  return async (event, context) => {
    const requestId = context.awsRequestId;
    const fields: LogFields = { requestId };
    try {
      const request = validateRequest(event);
      const target = {
        accountId: request.accountId,
        roleName: request.roleName ?? config.defaultRoleName,
        sessionName: request.sessionName ?? defaultSessionName(requestId),
        durationSeconds: request.durationSeconds,
      };
      Object.assign(fields, target);
      const issued = await assumeRole(sts, {
        ...target,
        partition: config.partition,
        policy: request.policy,
        policyArns: request.policyArns,
      });
      logger.info('credentials issued', {
        ...fields,
        accessKeyId: redactKeyId(issued.accessKeyId),
        assumedRoleArn: issued.assumedRoleArn,
        expiration: issued.expiration.toISOString(),
      });
      return toCredentialResponse(issued);
    } catch (thrown) {
      const failure =
        thrown instanceof BrokerError
          ? thrown
          : new InternalError('The broker failed unexpectedly', { cause: thrown });
      logFailure(logger, failure, fields);
      return toErrorResponse(failure, requestId);
    }
  };
}
