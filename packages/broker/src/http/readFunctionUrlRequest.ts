import { MAX_REQUEST_BYTES } from '@stscreds/contract';
import type { LambdaFunctionURLEvent, LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { ValidationError } from '../errors.ts';
import { type Caller, toCaller } from '../identity/caller.ts';

export const CREDENTIALS_PATH = '/v1/credentials';

/** A request that is not for the credentials route: answered 404 or 405. */
export class RouteError extends ValidationError {
  constructor(
    readonly status: 404 | 405,
    message: string,
  ) {
    super(message);
  }
}

export interface FunctionUrlRequest {
  readonly payload: unknown;
  /** The IAM principal that signed the request, as Lambda verified it; undefined without AWS_IAM auth. */
  readonly caller: Caller | undefined;
}

/**
 * Tells a Function URL event from a direct invoke payload. Contract v1 requests are strict
 * objects without these keys, so the two cannot be confused.
 */
export function isFunctionUrlEvent(event: unknown): event is LambdaFunctionURLEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as { version?: unknown; rawPath?: unknown; requestContext?: { http?: unknown } };
  return (
    candidate.version === '2.0' &&
    typeof candidate.rawPath === 'string' &&
    typeof candidate.requestContext?.http === 'object'
  );
}

/**
 * Reads `POST /v1/credentials` from a Function URL event: the JSON body and, with AWS_IAM
 * auth, the caller Lambda verified.
 *
 * @throws {RouteError} for another path (404) or method (405).
 * @throws {ValidationError} for a body that is too large or not JSON.
 * @example
 * const { payload, caller } = readFunctionUrlRequest(event);
 */
export function readFunctionUrlRequest(event: LambdaFunctionURLEvent): FunctionUrlRequest {
  const { method } = event.requestContext.http;
  if (event.rawPath !== CREDENTIALS_PATH)
    throw new RouteError(404, `No route for ${event.rawPath}; use POST ${CREDENTIALS_PATH}`);
  if (method !== 'POST')
    throw new RouteError(405, `${method} is not allowed on ${CREDENTIALS_PATH}; use POST`);
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_REQUEST_BYTES) {
    throw new ValidationError(`Invalid request. The body is over the ${MAX_REQUEST_BYTES}-byte limit`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid request. The body must be JSON such as {"accountId":"222222222222"}');
  }
  // Present only with AWS_IAM auth, where Lambda itself verified the signature.
  const iam = (event as Partial<LambdaFunctionURLEventWithIAMAuthorizer>).requestContext?.authorizer?.iam;
  // Lambda writes strings here; anything else did not come from Lambda, and must not be coerced into an ARN.
  const caller =
    typeof iam?.userArn === 'string' && typeof iam.accountId === 'string'
      ? toCaller(iam.userArn, iam.accountId, 'function-url')
      : undefined;
  return { payload, caller };
}
