import type { BrokerResponse } from '@stscreds/contract';
import type { Context } from 'aws-lambda';
import { type BrokerDependencies, createBroker } from './createBroker.ts';
import { ValidationError } from './errors.ts';
import { isFunctionUrlEvent, RouteError, readFunctionUrlRequest } from './http/readFunctionUrlRequest.ts';
import { type FunctionUrlResult, toFunctionUrlResult } from './http/toFunctionUrlResult.ts';
import { toErrorResponse } from './toErrorResponse.ts';

/** The broker as Lambda calls it: an event in, a contract answer (or its HTTP form) out, never a throw. */
export type BrokerHandler = (
  event: unknown,
  context: Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>,
) => Promise<BrokerResponse | FunctionUrlResult>;

/**
 * The Lambda handler: it tells a Function URL request from a direct invoke, as the broker's
 * configured entry allows, and hands the payload to the broker's pipeline. It can tell only
 * the payload's shape: a URL-shaped payload sent by direct invoke looks like Lambda's own, so
 * a `url` function must be one that nobody may invoke directly (IAM's
 * `lambda:InvokedViaFunctionUrl`).
 *
 * @example
 * export const handler = createHandler({ config, sts, logger, loadPolicy });
 */
export function createHandler(deps: BrokerDependencies): BrokerHandler {
  const broker = createBroker(deps);
  const { entry } = deps.config;
  return async (event, context) => {
    const requestId = context.awsRequestId;
    const deadlineMs = context.getRemainingTimeInMillis?.();
    if (entry === 'url' && isFunctionUrlEvent(event)) {
      try {
        const { payload, caller } = readFunctionUrlRequest(event);
        return toFunctionUrlResult(
          await broker(payload, { kind: 'function-url', ...(caller && { caller }) }, requestId, deadlineMs),
        );
      } catch (error) {
        const refusal = error instanceof ValidationError ? error : new ValidationError('Invalid request');
        return toFunctionUrlResult(
          toErrorResponse(refusal, requestId),
          error instanceof RouteError ? error.status : 400,
        );
      }
    }
    if (entry === 'url') {
      return toErrorResponse(
        new ValidationError('Invalid request. This broker takes requests on its Function URL only'),
        requestId,
      );
    }
    return broker(event, { kind: 'invoke' }, requestId, deadlineMs);
  };
}
