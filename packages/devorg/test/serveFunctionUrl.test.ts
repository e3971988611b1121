import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevUser } from '../src/seedOrganization.ts';
import { type FunctionUrlServer, serveFunctionUrl } from '../src/serveFunctionUrl.ts';
import { MAX_INVOKE_PAYLOAD_BYTES } from '../src/serveLambdaInvoke.ts';
import { rawPost } from './support/rawHttp.ts';

const ALICE: DevUser = {
  name: 'alice',
  arn: 'arn:aws:iam::111111111111:user/alice',
  credentials: { accessKeyId: 'AKIAALICEEXAMPLE', secretAccessKey: 'alice-secret' },
};
const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTES = 60_000;
const PATH = '/v1/credentials';

let server: FunctionUrlServer | undefined;
let events: { requestContext: { authorizer: { iam: { userArn: string } } }; body: string }[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  events = [];
});

const serve = async () => {
  server = await serveFunctionUrl({
    region: 'us-west-2',
    users: [ALICE],
    now: () => NOW,
    handler: async (event) => {
      events.push(event as (typeof events)[number]);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    },
  });
  const url = new URL(PATH, server.url);
  return { url, port: Number(url.port) };
};

/** Signs a POST as the SDK does, x-amz-content-sha256 included. */
const sign = async (
  url: URL,
  body: string,
  options: { at?: number; unsignable?: string[]; secret?: string; headers?: Record<string, string> } = {},
) => {
  const signer = new SignatureV4({
    credentials: {
      ...ALICE.credentials,
      secretAccessKey: options.secret ?? ALICE.credentials.secretAccessKey,
    },
    region: 'us-west-2',
    service: 'lambda',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json', ...options.headers },
      body,
    }),
    {
      signingDate: new Date(options.at ?? NOW),
      ...(options.unsignable && { unsignableHeaders: new Set(options.unsignable) }),
    },
  );
  const { host: _host, ...headers } = signed.headers;
  return headers;
};

const post = async (url: URL, headers: Record<string, string>, body: string) => {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
};

describe('serveFunctionUrl', () => {
  it('hands a genuinely signed request to the function, as its signer', async () => {
    const { url } = await serve();
    const body = '{"accountId":"prod"}';
    const headers = await sign(url, body);
    expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(await post(url, headers, body)).toEqual({ status: 200, body: '{"ok":true}' });
    expect(events.map((e) => [e.requestContext.authorizer.iam.userArn, e.body])).toEqual([[ALICE.arn, body]]);
  });

  it('refuses a captured request replayed with a new body', async () => {
    const { url } = await serve();
    const captured = await sign(url, '{"accountId":"staging"}');
    const replayed = '{"accountId":"prod","roleName":"admin"}';
    // As captured: the claimed hash is the old body's.
    expect(await post(url, captured, replayed)).toEqual({ status: 403, body: '{"Message":"Forbidden"}' });
    // The claimed hash rewritten to the new body's: the signature covers the old one.
    const { createHash } = await import('node:crypto');
    const rehashed = {
      ...captured,
      'x-amz-content-sha256': createHash('sha256').update(replayed).digest('hex'),
    };
    expect(await post(url, rehashed, replayed)).toEqual({ status: 403, body: '{"Message":"Forbidden"}' });
    // The claimed hash dropped: it was signed, so the request no longer carries what was signed.
    const { 'x-amz-content-sha256': _dropped, ...unhashed } = captured;
    expect(await post(url, unhashed, replayed)).toEqual({ status: 403, body: '{"Message":"Forbidden"}' });
    // Sent as captured, it still works: only the body changed above.
    expect((await post(url, captured, '{"accountId":"staging"}')).status).toBe(200);
    expect(events).toHaveLength(1);
  });

  it('refuses a claimed body hash that is not the body’s, even if signed', async () => {
    const { url } = await serve();
    const body = '{"accountId":"prod"}';
    const headers = await sign(url, body, { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(await post(url, headers, body)).toEqual({ status: 403, body: '{"Message":"Forbidden"}' });
    expect(events).toEqual([]);
  });

  it('refuses a request signed two days ago, as SigV4 does', async () => {
    const { url } = await serve();
    const body = '{"accountId":"prod"}';
    const answer = await post(url, await sign(url, body, { at: NOW - 2 * 24 * 60 * MINUTES }), body);
    expect(answer).toEqual({
      status: 403,
      body: JSON.stringify({
        Message:
          'Signature expired: 20260227T120000Z is now earlier than 20260301T115500Z (20260301T120000Z - 5 min.)',
      }),
    });
    expect(events).toEqual([]);
  });

  it.each([
    ['exactly 5 minutes old', -5 * MINUTES, 200],
    ['5 minutes and a second old', -5 * MINUTES - 1000, 403],
    ['exactly 5 minutes ahead', 5 * MINUTES, 200],
    ['5 minutes and a second ahead', 5 * MINUTES + 1000, 403],
  ])('takes a signature %s as SigV4 does (%i ms)', async (_, offset, status) => {
    const { url } = await serve();
    const body = '{"accountId":"prod"}';
    const answer = await post(url, await sign(url, body, { at: NOW + offset }), body);
    expect(answer.status).toBe(status);
    if (status === 403) expect(answer.body).toMatch(/Signature (expired|not yet current)/);
    expect(events).toHaveLength(status === 200 ? 1 : 0);
  });

  it.each([['host'], ['x-amz-date']])('refuses a genuine signature that does not sign %s', async (header) => {
    const { url } = await serve();
    const body = '{"accountId":"prod"}';
    const headers = await sign(url, body, { unsignable: [header] });
    expect(headers.authorization).not.toMatch(new RegExp(`SignedHeaders=[^,]*\\b${header}\\b`));
    expect(await post(url, headers, body)).toEqual({ status: 403, body: '{"Message":"Forbidden"}' });
    expect(events).toEqual([]);
  });

  it('refuses a signature made with another secret', async () => {
    const { url } = await serve();
    const body = '{"accountId":"prod"}';
    expect((await post(url, await sign(url, body, { secret: 'not-alice' }), body)).status).toBe(403);
    expect(events).toEqual([]);
  });

  it('takes a signed body of exactly Lambda’s 6 MB', async () => {
    const { url } = await serve();
    const body = `"${'a'.repeat(MAX_INVOKE_PAYLOAD_BYTES - 2)}"`;
    expect((await post(url, await sign(url, body), body)).status).toBe(200);
    expect(events[0]?.body).toHaveLength(MAX_INVOKE_PAYLOAD_BYTES);
  });

  it('answers 413 to a declared body a byte past 6 MB, before reading any of it', async () => {
    const { port } = await serve();
    const exchange = await rawPost(port, PATH, {
      bodyBytes: 0,
      declaredLength: MAX_INVOKE_PAYLOAD_BYTES + 1,
    });
    expect(exchange.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.head).toMatch(/\r\nconnection: close/i);
    expect(events).toEqual([]);
  });

  it('stops reading a 32 MB body at 6 MB, and hangs up', async () => {
    const { port } = await serve();
    const bodyBytes = 32 * 1024 * 1024;
    for (const chunked of [false, true]) {
      const exchange = await rawPost(port, PATH, { bodyBytes, chunked });
      // What the socket buffers hold on top of the 6 MB read is far less than the rest.
      expect(exchange.bodyBytesWritten).toBeLessThan(bodyBytes / 2);
      // A reset may beat the answer to the client; an answer, if it arrives, is the 413.
      expect(exchange.head ?? 'HTTP/1.1 413 (reset first)').toMatch(/^HTTP\/1\.1 413 /);
    }
    expect(events).toEqual([]);
  });
});
