import {
  getRetryAfterHint,
  isServerError,
  isThrottlingError,
  isTransientError,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { HttpRequest } from '@smithy/core/transport';
import type { AwsCredentialIdentity, RetryErrorType, SdkError } from '@smithy/types';
import {
  endpointUrl,
  type RequestHandler,
  type SignedResponse,
  sendSignedRequest,
} from './sendSignedRequest.ts';

export interface InvokeFunctionOptions {
  /** The Lambda endpoint, such as `https://lambda.us-west-2.amazonaws.com`. */
  readonly endpoint: string;
  /** The region the signature names. */
  readonly region: string;
  /** A function name, a partial ARN or an ARN, as `Invoke` takes it. */
  readonly functionName: string;
  /** The event, as JSON. */
  readonly payload: string;
  readonly credentials: AwsCredentialIdentity;
  /**
   * The retry strategy, which keeps the retry quota between calls. Default: a new
   * `StandardRetryStrategy` of 3 attempts, the SDK's standard mode.
   */
  readonly retryStrategy?: StandardRetryStrategy;
  readonly requestHandler?: RequestHandler;
}

/** What `Invoke` answers, as `InvokeCommandOutput` names it. */
export interface InvokeFunctionOutput {
  readonly StatusCode: number;
  readonly FunctionError?: string;
  readonly Payload: Uint8Array;
}

/**
 * A Lambda service error, shaped as the SDK's are (`name` is the error code, `$metadata`
 * holds the HTTP status), so that its classifiers and the broker's error mapping read both alike.
 */
export class LambdaInvokeError extends Error {
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  readonly $fault: 'client' | 'server';
  constructor(name: string, message: string, statusCode: number, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$fault = statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: statusCode, ...(requestId && { requestId }) };
  }
}

const json = (body: Uint8Array): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * An error code as the SDK sanitizes it: "aws.lambda#ResourceNotFoundException:http://…" is
 * ResourceNotFoundException, and a header sent twice ("A, A") names one code.
 */
const sanitizeErrorCode = (raw: string | number): string => {
  let code = String(raw);
  if (code.includes(',')) code = code.split(',')[0] ?? '';
  if (code.includes(':')) code = code.split(':')[0] ?? '';
  if (code.includes('#')) code = code.split('#')[1] ?? '';
  return code;
};

const codeLike = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number';

/**
 * The error code the SDK's REST-JSON protocol reads: the `x-amzn-errortype` header, else the
 * body's `code` (a key in any case) or `__type`.
 */
const errorCodeOf = (answer: SignedResponse, body: Record<string, unknown>): string => {
  const codeKey = Object.keys(body).find((key) => key.toLowerCase() === 'code');
  const raw = answer.headers['x-amzn-errortype'] ?? (codeKey && body[codeKey]) ?? body.__type;
  return (codeLike(raw) && sanitizeErrorCode(raw)) || `HTTP${answer.statusCode}`;
};

const serviceError = (answer: SignedResponse): LambdaInvokeError => {
  const body = json(answer.body);
  const message =
    typeof (body.message ?? body.Message) === 'string' ? String(body.message ?? body.Message) : '';
  return new LambdaInvokeError(
    errorCodeOf(answer, body),
    message || `Lambda answered HTTP ${answer.statusCode}`,
    answer.statusCode,
    answer.headers['x-amzn-requestid'],
  );
};

const retryErrorType = (error: SdkError): RetryErrorType => {
  if (isThrottlingError(error)) return 'THROTTLING';
  if (isTransientError(error)) return 'TRANSIENT';
  if (isServerError(error)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
};

/** A path label encoded as the SDK encodes it (`extendedEncodeURIComponent`). */
const pathLabel = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const invokeOnce = async (options: InvokeFunctionOptions): Promise<InvokeFunctionOutput> => {
  const endpoint = endpointUrl(options.endpoint);
  const base = endpoint.pathname.replace(/\/$/, '');
  const answer = await sendSignedRequest(
    new HttpRequest({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port && { port: Number(endpoint.port) }),
      path: `${base}/2015-03-31/functions/${pathLabel(options.functionName)}/invocations`,
      headers: { host: endpoint.host, 'content-type': 'application/octet-stream' },
      body: options.payload,
    }),
    {
      credentials: options.credentials,
      region: options.region,
      service: 'lambda',
      ...(options.requestHandler && { requestHandler: options.requestHandler }),
    },
  );
  if (answer.statusCode < 200 || answer.statusCode >= 300) {
    throw Object.assign(serviceError(answer), { $response: answer.response });
  }
  const functionError = answer.headers['x-amz-function-error'];
  return {
    StatusCode: answer.statusCode,
    ...(functionError && { FunctionError: functionError }),
    Payload: answer.body,
  };
};

/**
 * Calls Lambda's `Invoke` API (`POST /2015-03-31/functions/{name}/invocations`) signed with
 * SigV4, and retried as the SDK's standard mode retries it (throttling and transient errors,
 * 3 attempts, with its backoff and retry quota), without loading the SDK's Lambda client:
 * `stscreds get` pays for Node.js's start and the round trip, not for a service client.
 * A service error is thrown as a {@link LambdaInvokeError}; a network failure as the SDK's
 * HTTP handler throws it.
 *
 * @example
 * const { Payload } = await invokeFunction({ endpoint, region, functionName: 'getSTScreds', payload: '{}', credentials });
 */
export async function invokeFunction(options: InvokeFunctionOptions): Promise<InvokeFunctionOutput> {
  const strategy = options.retryStrategy ?? new StandardRetryStrategy(3);
  let token = await strategy.acquireInitialRetryToken('lambda');
  for (;;) {
    try {
      const output = await invokeOnce(options);
      strategy.recordSuccess(token);
      return output;
    } catch (error) {
      const sdkError = error as SdkError & { $response?: SignedResponse['response'] };
      try {
        token = await strategy.refreshRetryTokenForRetry(token, {
          errorType: retryErrorType(sdkError),
          ...(sdkError.$response && { retryAfterHint: getRetryAfterHint(sdkError.$response) }),
        });
      } catch {
        throw error;
      }
    }
  }
}
