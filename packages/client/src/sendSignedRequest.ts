import { Sha256 } from '@smithy/core/checksum';
import type { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  HttpResponse,
  RequestHandler as SmithyRequestHandler,
} from '@smithy/types';

/** What sends a signed request: the AWS SDK's `HttpHandler`, as its clients take it. */
export type RequestHandler = Pick<SmithyRequestHandler<HttpRequest, HttpResponse>, 'handle'>;

export interface SendSignedRequestOptions {
  readonly credentials: AwsCredentialIdentity;
  /** The region the signature names. */
  readonly region: string;
  /** The service the signature names, such as `lambda`. */
  readonly service: string;
  /** Default: the SDK's `NodeHttpHandler`, one per process, as a client keeps one. */
  readonly requestHandler?: RequestHandler;
  /** The answer's body is refused beyond this size. Default: 6 MiB, Lambda's payload limit, and a margin. */
  readonly maxBodyBytes?: number;
}

/** An answer, its body read whole. Header names are lower case. */
export interface SignedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The SDK's view of the same answer, for its retry classifiers. */
  readonly response: HttpResponse;
}

/** An answer's body was larger than the caller allows. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
  }
}

/** An endpoint that is not an http or https URL, to which nothing is sent. */
export class InvalidEndpointError extends Error {
  override readonly name = 'InvalidEndpointError';
  constructor(readonly endpoint: string) {
    super(`${endpoint} is not an http or https URL`);
  }
}

/**
 * An endpoint as a URL, unless it is not an http or https one: "localhost:4566" reads as a
 * URL of the scheme `localhost:`, which the HTTP handler would send to port 80.
 *
 * @example
 * endpointUrl('https://lambda.us-west-2.amazonaws.com'); // URL
 */
export function endpointUrl(endpoint: string): URL {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new InvalidEndpointError(endpoint);
  return url;
}

const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024 + 64 * 1024;

let sharedHandler: NodeHttpHandler | undefined;
const defaultHandler = (): NodeHttpHandler => {
  sharedHandler ??= new NodeHttpHandler();
  return sharedHandler;
};

const readBody = async (body: unknown, limit: number): Promise<Uint8Array> => {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) {
      (body as { destroy?: () => void }).destroy?.();
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
};

/**
 * Signs a request with SigV4 (the SDK's own `SignatureV4`) and sends it with the SDK's HTTP
 * handler: one AWS API call without loading a service client. Network failures are thrown as
 * the handler throws them, so the SDK's retry classifiers read them as they would a client's.
 *
 * @example
 * const answer = await sendSignedRequest(new HttpRequest({ … }), { credentials, region: 'us-west-2', service: 'lambda' });
 */
export async function sendSignedRequest(
  request: HttpRequest,
  options: SendSignedRequestOptions,
): Promise<SignedResponse> {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  const handler = options.requestHandler ?? defaultHandler();
  const { response } = await handler.handle(signed as HttpRequest);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = String(value);
  const body = await readBody(response.body, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  return { statusCode: response.statusCode, headers, body, response: { ...response, headers, body } };
}
