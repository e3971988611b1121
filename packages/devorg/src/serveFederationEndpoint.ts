import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export interface ServeFederationEndpointOptions {
  /** The STS endpoint that checks the session's credentials (moto). */
  readonly stsEndpoint: string;
  readonly region: string;
  /** The clock, in epoch milliseconds, that sign-in tokens age by. */
  readonly now?: () => number;
}

/** A sign-in token the stand-in made, and whom for. */
export interface IssuedSigninToken {
  readonly arn: string;
  readonly issuedAt: number;
}

export interface FederationServer {
  /** `http://127.0.0.1:<port>/federation` */
  readonly url: string;
  /** Each sign-in made through `Action=login`: the ARN and the destination it led to. */
  readonly logins: readonly { readonly arn: string; readonly destination: string }[];
  close(): Promise<void>;
}

/** AWS accepts a sign-in URL for 15 minutes after it made its token. */
const TOKEN_VALIDITY_MS = 15 * 60_000;
const SESSION_KEYS = ['sessionId', 'sessionKey', 'sessionToken'];
const CONSOLE_URL = /^https:\/\/(?:[a-z0-9-]+\.)*console\.aws\.amazon\.com(?:\/|$)/;

const answer = (response: ServerResponse, status: number, body: object | string): void => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'cache-control': 'no-store',
  });
  response.end(text);
};

/** Exactly the three string fields AWS documents, and nothing else. */
const readSession = (
  text: string | null,
): Record<'sessionId' | 'sessionKey' | 'sessionToken', string> | undefined => {
  if (!text) return undefined;
  let session: unknown;
  try {
    session = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof session !== 'object' || session === null || Array.isArray(session)) return undefined;
  const entries = Object.entries(session);
  if (
    entries.length !== 3 ||
    !entries.every(([k, v]) => SESSION_KEYS.includes(k) && typeof v === 'string' && v)
  ) {
    return undefined;
  }
  return session as Record<'sessionId' | 'sessionKey' | 'sessionToken', string>;
};

const onlyParameters = (query: URLSearchParams, allowed: readonly string[]): boolean =>
  [...query.keys()].every((k) => allowed.includes(k)) &&
  new Set(query.keys()).size === [...query.keys()].length;

/**
 * A local stand-in for the AWS federation endpoint (`https://signin.aws.amazon.com/federation`),
 * holding requests to what AWS documents for a custom identity broker:
 * - `GET ?Action=getSigninToken&Session=…`, the session a JSON object of exactly `sessionId`,
 *   `sessionKey` and `sessionToken`; the credentials must be genuine (STS GetCallerIdentity
 *   with them must succeed). `SessionDuration` (900-43200) is refused for every session here:
 *   the sessions of the local organization come from role chaining, for which AWS documents
 *   that the call fails. Answers `{"SigninToken": "…"}`.
 * - `GET ?Action=login&Issuer=…&Destination=…&SigninToken=…`: a token of its own, at most 15
 *   minutes old, and a console destination; answers a redirect to the destination.
 * Anything else is a 400. Keys are never logged or kept.
 *
 * @example
 * const federation = await serveFederationEndpoint({ stsEndpoint: moto.endpoint, region: 'us-west-2' });
 * // stscreds console prod --federation-endpoint federation.url
 */
export async function serveFederationEndpoint(
  options: ServeFederationEndpointOptions,
): Promise<FederationServer> {
  const now = options.now ?? Date.now;
  const tokens = new Map<string, IssuedSigninToken>();
  const logins: { arn: string; destination: string }[] = [];

  const getSigninToken = async (query: URLSearchParams, response: ServerResponse): Promise<void> => {
    if (!onlyParameters(query, ['Action', 'Session', 'SessionDuration'])) {
      return answer(response, 400, 'Unexpected or repeated parameters');
    }
    const session = readSession(query.get('Session'));
    if (!session)
      return answer(response, 400, 'Session must be a JSON object of sessionId, sessionKey and sessionToken');
    const duration = query.get('SessionDuration');
    if (duration !== null) {
      const seconds = Number(duration);
      if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) {
        return answer(response, 400, 'SessionDuration must be 900 to 43200 seconds');
      }
      return answer(response, 400, 'SessionDuration cannot be used with credentials from role chaining');
    }
    let arn: string | undefined;
    try {
      const sts = new STSClient({
        endpoint: options.stsEndpoint,
        region: options.region,
        credentials: {
          accessKeyId: session.sessionId,
          secretAccessKey: session.sessionKey,
          sessionToken: session.sessionToken,
        },
        maxAttempts: 1,
      });
      arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
    } catch {
      arn = undefined;
    }
    if (!arn) return answer(response, 400, 'The credentials are not valid');
    const token = randomBytes(48).toString('base64url');
    tokens.set(token, { arn, issuedAt: now() });
    return answer(response, 200, { SigninToken: token });
  };

  const login = (query: URLSearchParams, response: ServerResponse): void => {
    if (!onlyParameters(query, ['Action', 'Issuer', 'Destination', 'SigninToken'])) {
      answer(response, 400, 'Unexpected or repeated parameters');
      return;
    }
    const issued = tokens.get(query.get('SigninToken') ?? '');
    if (!issued || now() - issued.issuedAt > TOKEN_VALIDITY_MS) {
      answer(response, 400, 'The sign-in token is not valid, or has expired');
      return;
    }
    const destination = query.get('Destination') ?? '';
    if (!CONSOLE_URL.test(destination)) {
      answer(response, 400, 'Destination must be a console URL');
      return;
    }
    logins.push({ arn: issued.arn, destination });
    response.writeHead(302, { location: destination, 'cache-control': 'no-store' });
    response.end();
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/federation') return answer(response, 404, 'Not found');
    if (request.method !== 'GET') return answer(response, 405, 'Method not allowed');
    const action = url.searchParams.get('Action');
    if (action === 'getSigninToken') {
      getSigninToken(url.searchParams, response).catch(() => answer(response, 500, 'Internal error'));
      return;
    }
    if (action === 'login') return login(url.searchParams, response);
    return answer(response, 400, 'Action must be getSigninToken or login');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/federation`,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
