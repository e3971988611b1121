import { HttpRequest } from '@smithy/core/protocols';
import type { ReconstructedProof } from './reconstructProof.ts';

/** STS's answer to a proof: its status and its whole body, as text. */
export interface ProofAnswer {
  readonly status: number;
  readonly text: string;
}

/** Sends a rebuilt proof to STS; rejects only when no answer came (the network, a timeout). */
export type ProofSender = (request: ReconstructedProof, abortSignal: AbortSignal) => Promise<ProofAnswer>;

/** What a proof needs of an SDK HTTP handler, such as the one the broker's STS client sends with. */
export interface ProofHttpHandler {
  handle(
    request: HttpRequest,
    options?: { abortSignal?: AbortSignal },
  ): Promise<{ response: { statusCode: number; body?: unknown } }>;
}

const textOf = async (body: unknown): Promise<string> => {
  if (body === undefined || body === null) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Sends rebuilt identity proofs through an SDK HTTP handler. Given the broker's STS client's
 * handler, a proof and the AssumeRole that follows it share that client's kept-alive
 * connections to STS, and the broker loads no second HTTP client (the global `fetch` loads
 * one of its own at its first call). The handler follows no redirect: a 3xx is an answer.
 *
 * @example
 * const send = proofSender(sts.config.requestHandler);
 * const { status, text } = await send(reconstructProof(proof, rules), AbortSignal.timeout(3000));
 */
export function proofSender(handler: ProofHttpHandler): ProofSender {
  return async (request, abortSignal) => {
    const url = new URL(request.url);
    const { response } = await handler.handle(
      new HttpRequest({
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port && { port: Number(url.port) }),
        method: 'POST',
        path: url.pathname,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        body: request.body,
      }),
      { abortSignal },
    );
    return { status: response.statusCode, text: await textOf(response.body) };
  };
}
