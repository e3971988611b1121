import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCredentialIdentity } from '@smithy/types';

/** A running container-credentials endpoint. */
export interface CredentialServer {
  /** For `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly uri: string;
  /** For `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  readonly token: string;
  close(): Promise<void>;
}

const matches = (given: string | undefined, token: string): boolean => {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Serves credentials the way ECS does, on 127.0.0.1 only and to holders of a random bearer
 * token, so that the SDKs' container provider in a child process can fetch fresh credentials
 * whenever its own expire: a job can outlive the one-hour role-chaining cap.
 *
 * @example
 * const server = await startCredentialServer(fromStsCreds({ accountId: 'prod' }));
 * spawn(cmd, { env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: server.token } });
 */
export async function startCredentialServer(
  credentials: () => Promise<AwsCredentialIdentity>,
  onError: (error: unknown) => void = () => undefined,
): Promise<CredentialServer> {
  const token = randomBytes(32).toString('base64url');
  const server = createServer(async (request, response) => {
    const send = (status: number, body: object): void => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (!matches(request.headers.authorization, token))
      return send(401, { message: 'missing or wrong token' });
    if (request.method !== 'GET' || request.url !== '/') return send(404, { message: 'GET / only' });
    try {
      const c = await credentials();
      send(200, {
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        Token: c.sessionToken,
        Expiration: c.expiration?.toISOString(),
        ...(c.accountId && { AccountId: c.accountId }),
      });
    } catch (error) {
      onError(error);
      send(502, { message: 'the broker did not issue credentials' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
