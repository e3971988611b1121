import type { CredentialResponse } from '@stscreds/contract';
import { SigninTokenError } from './SigninTokenError.ts';

export interface SigninTokenOptions {
  /** The federation endpoint, such as `https://signin.aws.amazon.com/federation`. */
  readonly federationEndpoint: string;
  readonly fetch?: typeof fetch;
}

/**
 * Exchanges temporary credentials for a console sign-in token at the AWS federation
 * endpoint: `GET …/federation?Action=getSigninToken&Session={sessionId,sessionKey,sessionToken}`.
 *
 * It sends no `SessionDuration`. The broker's credentials come from role chaining (its
 * Lambda role assumes `lambda_sts`), and AWS documents that the call fails for such sessions
 * when a duration is asked for; without one, the console session lasts as long as the
 * credentials. The request carries the keys, so neither it nor the endpoint's answer is ever
 * put in an error.
 *
 * @throws {SigninTokenError} when the endpoint refuses, or answers without a token.
 * @example
 * const token = await requestSigninToken(credentials, { federationEndpoint: 'https://signin.aws.amazon.com/federation' });
 */
export async function requestSigninToken(
  credentials: Pick<CredentialResponse, 'AccessKeyId' | 'SecretAccessKey' | 'SessionToken'>,
  options: SigninTokenOptions,
): Promise<string> {
  const url = new URL(options.federationEndpoint);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  // The request carries the secret key: never in the clear, except to a stand-in on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new SigninTokenError(`The federation endpoint must be https, not ${url.protocol}//${url.host}`);
  }
  url.search = new URLSearchParams({
    Action: 'getSigninToken',
    Session: JSON.stringify({
      sessionId: credentials.AccessKeyId,
      sessionKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
    }),
  }).toString();
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    // The error of a failed fetch can name the URL, and so the keys: only its kind goes on.
    throw new SigninTokenError(
      `The federation endpoint ${url.origin} could not be reached (${(error as Error).name})`,
    );
  }
  if (!response.ok) {
    throw new SigninTokenError(
      `The federation endpoint ${url.origin} refused the credentials: HTTP ${response.status}`,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const token = (body as { SigninToken?: unknown } | undefined)?.SigninToken;
  if (typeof token !== 'string' || token.length === 0) {
    throw new SigninTokenError(`The federation endpoint ${url.origin} answered without a SigninToken`);
  }
  return token;
}
