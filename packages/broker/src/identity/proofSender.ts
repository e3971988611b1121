import { HttpRequest } from '@smithy/core/protocols';
import type { ReconstructedProof } from './reconstructProof.ts';

/** STS's answer to a proof: its status and its body, as text, read up to a bound. */
export interface ProofAnswer {
  readonly status: number;
  /** The body as text; when it was too large, only the start of it that was read. */
  readonly text: string;
  /** The body was longer than the sender reads: the answer is not a whole document. */
  readonly tooLarge?: boolean;
}

/**
 * Sends a rebuilt proof to STS; rejects only when no answer came (the network, a timeout), or
 * the connection failed while the answer was read.
 */
export type ProofSender = (request: ReconstructedProof, abortSignal: AbortSignal) => Promise<ProofAnswer>;

/** What a proof needs of an SDK HTTP handler, such as the one the broker's STS client sends with. */
export interface ProofHttpHandler {
  handle(
    request: HttpRequest,
    options?: { abortSignal?: AbortSignal },
  ): Promise<{ response: { statusCode: number; body?: unknown } }>;
}

/**
 * The most of an answer that is read. A GetCallerIdentity answer, or an STS error, is well
 * under 2 KiB: 64 KiB is room to spare, and an endless answer costs no more than that.
 */
const MAX_ANSWER_BYTES = 64 * 1024;

interface BodyStream extends AsyncIterable<Uint8Array | string> {
  destroy?: () => void;
}

/** The body's first bytes, up to the bound, and whether there was more; the rest is never read. */
const readBounded = async (body: unknown): Promise<{ bytes: Buffer; tooLarge: boolean }> => {
  if (body === undefined || body === null) return { bytes: Buffer.alloc(0), tooLarge: false };
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = Buffer.from(body);
    return { bytes: bytes.subarray(0, MAX_ANSWER_BYTES), tooLarge: bytes.length > MAX_ANSWER_BYTES };
  }
  const stream = body as BodyStream;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk);
    if (size + bytes.length > MAX_ANSWER_BYTES) {
      chunks.push(bytes.subarray(0, MAX_ANSWER_BYTES - size));
      // Leaving the loop ends the iteration, which destroys a Node.js stream; destroying it
      // here says so, and closes the connection rather than draining the rest into it.
      stream.destroy?.();
      return { bytes: Buffer.concat(chunks), tooLarge: true };
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  return { bytes: Buffer.concat(chunks), tooLarge: false };
};

/**
 * Sends rebuilt identity proofs through an SDK HTTP handler. Given the broker's STS client's
 * handler, a proof and the AssumeRole that follows it share that client's kept-alive
 * connections to STS, and the broker loads no second HTTP client (the global `fetch` loads
 * one of its own at its first call). The handler follows no redirect: a 3xx is an answer.
 * It reads at most 64 KiB of an answer: past that, it closes the connection and says the
 * answer was too large.
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
    const { bytes, tooLarge } = await readBounded(response.body);
    return { status: response.statusCode, text: bytes.toString('utf8'), ...(tooLarge && { tooLarge }) };
  };
}
