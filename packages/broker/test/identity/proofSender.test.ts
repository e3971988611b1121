import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { buildIdentityProof } from '@stscreds/client';
import { requestDigest } from '@stscreds/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { ProofRefusedError, UpstreamError } from '../../src/errors.ts';
import { proofSender } from '../../src/identity/proofSender.ts';
import { reconstructProof } from '../../src/identity/reconstructProof.ts';
import { verifyIdentityProof } from '../../src/identity/verifyIdentityProof.ts';

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A local server that records each request and answers with `respond`; its origin. */
const serve = async (respond: (response: ServerResponse) => void) => {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      respond(response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received };
};

/** Far more than loopback's socket buffers can hold, so that only a client reading it all lets it end. */
const HUGE_BYTES = 128 * 1024 * 1024;

/**
 * A local server that streams `HUGE_BYTES` of an answer with `status`, beginning with `start`,
 * writing only as fast as the client reads; `closed` says how much it wrote and whether it
 * finished before the connection closed.
 */
const serveHuge = async (status: number, start = '') => {
  const closed: Promise<{ written: number; finished: boolean }>[] = [];
  const sts = await serve((response) => {
    let written = 0;
    closed.push(
      new Promise((resolve) =>
        response.on('close', () => resolve({ written, finished: response.writableFinished })),
      ),
    );
    response.writeHead(status, { 'content-type': 'text/xml' });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const pump = (): void => {
      while (written < HUGE_BYTES) {
        const next = written === 0 ? Buffer.concat([Buffer.from(start), chunk]) : chunk;
        written += next.length;
        if (!response.write(next)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    pump();
  });
  return { ...sts, closed };
};

const REQUEST = { accountId: '222222222222' };
const proofFor = async (origin: string) => {
  const proof = await buildIdentityProof({
    credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' },
    audience: 'aud',
    stsEndpoint: origin,
    request: REQUEST,
  });
  const rules = {
    audience: 'aud',
    requestDigest: requestDigest(REQUEST),
    partitions: ['aws'] as const,
    extraStsOrigins: [origin],
  };
  return { proof, rules };
};

describe('proofSender', () => {
  it('posts the rebuilt proof, with only its headers and the transport’s own, and reads the answer', async () => {
    const sts = await serve((response) => response.writeHead(200).end(IDENTITY));
    const { proof, rules } = await proofFor(sts.origin);
    const rebuilt = reconstructProof(proof, { ...rules, now: new Date() });
    const send = proofSender(new NodeHttpHandler());
    expect(await send(rebuilt, AbortSignal.timeout(5000))).toEqual({ status: 200, text: IDENTITY });
    expect(sts.received).toHaveLength(1);
    const [received] = sts.received;
    expect(received).toMatchObject({ method: 'POST', url: '/', body: rebuilt.body });
    const transport = ['host', 'content-length', 'connection'];
    expect(Object.keys(received?.headers ?? {}).sort()).toEqual(
      [...Object.keys(rebuilt.headers), ...transport].sort(),
    );
    expect(received?.headers.host).toBe(new URL(sts.origin).host);
    expect(received?.headers['content-length']).toBe(String(rebuilt.body.length));
  });

  it('follows no redirect: a 302 is the answer, and its location hears nothing', async () => {
    const elsewhere = await serve((response) => response.writeHead(200).end(IDENTITY));
    const sts = await serve((response) =>
      response.writeHead(302, { location: `${elsewhere.origin}/` }).end(),
    );
    const { proof, rules } = await proofFor(sts.origin);
    const send = proofSender(new NodeHttpHandler());
    const answer = await send(
      reconstructProof(proof, { ...rules, now: new Date() }),
      AbortSignal.timeout(5000),
    );
    expect(answer.status).toBe(302);
    expect(elsewhere.received).toHaveLength(0);
  });

  it('rejects when STS does not answer in time', async () => {
    const sts = await serve(() => {
      // Never answers.
    });
    const { proof, rules } = await proofFor(sts.origin);
    const send = proofSender(new NodeHttpHandler());
    await expect(
      send(reconstructProof(proof, { ...rules, now: new Date() }), AbortSignal.timeout(50)),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads no more than 64 KiB of a huge answer, and hangs up on the rest', async () => {
    const sts = await serveHuge(200, IDENTITY);
    const { proof, rules } = await proofFor(sts.origin);
    const send = proofSender(new NodeHttpHandler());
    const answer = await send(
      reconstructProof(proof, { ...rules, now: new Date() }),
      AbortSignal.timeout(30_000),
    );
    expect(answer.status).toBe(200);
    expect(answer.tooLarge).toBe(true);
    expect(Buffer.byteLength(answer.text)).toBe(64 * 1024);
    expect(answer.text.startsWith(IDENTITY)).toBe(true);
    const [closed] = await Promise.all(sts.closed);
    expect(closed?.finished).toBe(false);
    expect(closed?.written).toBeLessThan(HUGE_BYTES);
  });

  it('says nothing was too large of an answer of exactly 64 KiB', async () => {
    const body = `${IDENTITY}${' '.repeat(64 * 1024 - IDENTITY.length)}`;
    const sts = await serve((response) => response.writeHead(200).end(body));
    const { proof, rules } = await proofFor(sts.origin);
    const send = proofSender(new NodeHttpHandler());
    const answer = await send(
      reconstructProof(proof, { ...rules, now: new Date() }),
      AbortSignal.timeout(5000),
    );
    expect(answer).toEqual({ status: 200, text: body });
  });

  it('refuses a proof whose STS answer is huge, as no caller identity, with one call and no crash', async () => {
    const sts = await serveHuge(200, IDENTITY);
    const { proof, rules } = await proofFor(sts.origin);
    const send = proofSender(new NodeHttpHandler());
    const attempt = verifyIdentityProof(proof, { ...rules, send, timeoutMs: 30_000 });
    await expect(attempt).rejects.toThrow(ProofRefusedError);
    await expect(attempt).rejects.toThrow('Identity proof refused: the STS answer is not a caller identity');
    expect(sts.received).toHaveLength(1);
    expect((await Promise.all(sts.closed)).map(({ finished }) => finished)).toEqual([false]);
  });

  it('still reads a huge failure by its status: a 503 is an upstream fault', async () => {
    const sts = await serveHuge(503);
    const { proof, rules } = await proofFor(sts.origin);
    const send = proofSender(new NodeHttpHandler());
    await expect(verifyIdentityProof(proof, { ...rules, send, timeoutMs: 30_000 })).rejects.toThrow(
      UpstreamError,
    );
    expect((await Promise.all(sts.closed)).every(({ finished }) => !finished)).toBe(true);
  });

  it('serves verifyIdentityProof by default, end to end', async () => {
    const sts = await serve((response) => response.writeHead(200).end(IDENTITY));
    const { proof, rules } = await proofFor(sts.origin);
    await expect(verifyIdentityProof(proof, rules)).resolves.toMatchObject({
      arn: 'arn:aws:iam::111111111111:user/alice',
      verifiedBy: 'identity-proof',
    });
    expect(sts.received).toHaveLength(1);
  });
});
