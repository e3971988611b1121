import { HttpRequest } from '@smithy/core/transport';
import type { AwsCredentialIdentity } from '@smithy/types';
import { type BrokerResponse, isBrokerResponse } from '@stscreds/contract';
import {
  StsCredsAccessDeniedError,
  StsCredsInternalError,
  StsCredsUpstreamError,
  StsCredsValidationError,
} from './errors.ts';
import {
  endpointUrl,
  InvalidEndpointError,
  type RequestHandler,
  type SignedResponse,
  sendSignedRequest,
} from './sendSignedRequest.ts';

/** The route of contract v1 on the broker's Function URL. */
export const CREDENTIALS_PATH = '/v1/credentials';

export interface PostFunctionUrlOptions {
  /** The Function URL, such as `https://abc.lambda-url.us-west-2.on.aws/`. */
  readonly url: string;
  readonly credentials: AwsCredentialIdentity;
  /** The function's region, which the signature names. */
  readonly region: string;
  /** Default: the AWS SDK's `NodeHttpHandler`. Redirects are not followed. */
  readonly requestHandler?: RequestHandler;
}

/**
 * Sends a request to the broker's Function URL, signed with SigV4 for the `lambda` service
 * with the caller's own credentials: with `AWS_IAM` auth, Lambda verifies the signature and
 * the broker learns the caller from it, so no identity proof is sent. The answer is read
 * strictly against contract v1.
 *
 * @example
 * const answer = await postFunctionUrl({ accountId: 'prod' }, { url, credentials, region: 'us-west-2' });
 */
export async function postFunctionUrl(
  request: object,
  options: PostFunctionUrlOptions,
): Promise<BrokerResponse> {
  let url: URL;
  try {
    url = new URL(CREDENTIALS_PATH, endpointUrl(options.url));
  } catch (error) {
    if (!(error instanceof InvalidEndpointError)) throw error;
    throw new StsCredsValidationError(`the Function URL ${error.message}`, { cause: error });
  }
  const body = JSON.stringify(request);
  let answer: SignedResponse;
  try {
    answer = await sendSignedRequest(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port && { port: Number(url.port) }),
        path: url.pathname,
        headers: { host: url.host, 'content-type': 'application/json' },
        body,
      }),
      {
        credentials: options.credentials,
        region: options.region,
        service: 'lambda',
        ...(options.requestHandler && { requestHandler: options.requestHandler }),
      },
    );
  } catch (error) {
    throw new StsCredsUpstreamError(`the Function URL ${url.origin} could not be reached`, { cause: error });
  }
  let parsed: unknown;
  try {
    // JSON is UTF-8: bytes that are not are outside the contract, not characters to replace.
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.body));
  } catch {
    parsed = undefined;
  }
  if (isBrokerResponse(parsed)) return parsed;
  // Lambda itself answers a refused signature or a missing permission, outside the contract.
  if (answer.statusCode === 401 || answer.statusCode === 403) {
    throw new StsCredsAccessDeniedError(`the Function URL refused the request (HTTP ${answer.statusCode})`);
  }
  throw new StsCredsInternalError(
    `the Function URL answered outside contract v1 (HTTP ${answer.statusCode})`,
  );
}
