import {
  DEFAULT_RETRY_DELAY_BASE,
  MAXIMUM_RETRY_DELAY,
  THROTTLING_RETRY_DELAY_BASE,
} from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { IdentityProof } from '@stscreds/contract';
import {
  type BrokerError,
  ProofRefusedError,
  THROTTLED_RETRY_AFTER_SECONDS,
  ThrottledError,
  UpstreamError,
} from '../errors.ts';
import { isStsThrottlingCode } from '../stsThrottlingCode.ts';
import { type Caller, toCaller } from './caller.ts';
import { parseCallerIdentity } from './parseCallerIdentity.ts';
import { type ProofAnswer, type ProofSender, proofSender } from './proofSender.ts';
import { type ProofRules, reconstructProof } from './reconstructProof.ts';

export interface VerifyIdentityProofOptions extends Omit<ProofRules, 'now'> {
  /** How long one STS attempt may take. Default: 3 s. */
  readonly timeoutMs?: number;
  /** How long verification may take in all, retries included, such as Lambda's remaining time. */
  readonly deadlineMs?: number | undefined;
  /** Attempts in all, as the broker's STS client makes for AssumeRole. Default: 3. */
  readonly maxAttempts?: number;
  /** Draws the jitter of the backoff, in [0, 1). Default: `Math.random`. */
  readonly random?: () => number;
  /**
   * Sends the rebuilt request, such as through the broker's STS client's HTTP handler
   * ({@link proofSender}). Default: an SDK HTTP handler of its own.
   */
  readonly send?: ProofSender;
  /** Waits between attempts; injectable so that tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A monotonic clock in milliseconds, for the deadline. Default: `performance.now`. */
  readonly monotonic?: () => number;
  readonly now?: () => Date;
}

const MAX_ANSWER_CHARS = 64 * 1024;
/** Room kept between the deadline and the last attempt, to answer with a clean error in time. */
const DEADLINE_MARGIN_MS = 250;

const errorCodeOf = (xml: string): string | undefined => /<Code>([A-Za-z.]{1,64})<\/Code>/.exec(xml)?.[1];

/**
 * A network failure, described by its kind only: the message of a network error can quote the
 * request, headers included, and a header may hold a session token.
 */
const networkFailure = (error: unknown): Error => {
  const name = error instanceof Error ? error.name : typeof error;
  const failed = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = failed?.code ?? failed?.cause?.code;
  return new Error(`${name}${typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? ` (${code})` : ''}`);
};

/** One attempt's failure, and whether it is worth another. */
interface AttemptFailure {
  readonly error: BrokerError;
  readonly retry?: 'throttling' | 'transient';
}

/**
 * The SDK's standard backoff: full jitter over an exponential ceiling, from a longer base
 * when throttled. The same constants as the retry strategy of the broker's STS client.
 */
const backoffMs = (retry: 'throttling' | 'transient', retried: number, random: () => number): number =>
  Math.floor(
    random() *
      Math.min(
        MAXIMUM_RETRY_DELAY,
        (retry === 'throttling' ? THROTTLING_RETRY_DELAY_BASE : DEFAULT_RETRY_DELAY_BASE) * 2 ** retried,
      ),
  );

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let sendByDefault: ProofSender | undefined;
/** One handler for every call that brings no sender, so that they share its connections. */
const defaultSender = (): ProofSender => {
  sendByDefault ??= proofSender(new NodeHttpHandler({ connectionTimeout: 1000 }));
  return sendByDefault;
};

/**
 * Proves who the caller is: checks the signed GetCallerIdentity proof, rebuilds it, sends it
 * to STS with a short timeout, follows no redirect, and reads the answer strictly. When STS
 * throttles or fails it tries again, as the SDK does for AssumeRole, within the deadline.
 *
 * @throws {ProofRefusedError} naming the failed check, when the proof is refused.
 * @throws {ThrottledError} when STS still throttles after the retries.
 * @throws {UpstreamError} when STS cannot be reached or fails.
 * @example
 * const caller = await verifyIdentityProof(request.identity, { audience, requestDigest,
 *   partitions: ['aws'], extraStsOrigins: [] });
 * caller.principalArn; // 'arn:aws:iam::111111111111:user/alice'
 */
export async function verifyIdentityProof(
  proof: IdentityProof,
  options: VerifyIdentityProofOptions,
): Promise<Caller> {
  const request = reconstructProof(proof, { ...options, now: options.now?.() ?? new Date() });
  const monotonic = options.monotonic ?? (() => performance.now());
  const end =
    options.deadlineMs === undefined ? Infinity : monotonic() + options.deadlineMs - DEADLINE_MARGIN_MS;
  const timeoutMs = options.timeoutMs ?? 3000;
  const send = options.send ?? defaultSender();

  const attempt = async (): Promise<ProofAnswer | AttemptFailure> => {
    let answered: ProofAnswer;
    try {
      answered = await send(
        request,
        // AbortSignal.timeout takes whole milliseconds only.
        AbortSignal.timeout(Math.max(1, Math.floor(Math.min(timeoutMs, end - monotonic())))),
      );
    } catch (error) {
      const late = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const message = late
        ? 'STS did not answer in time to verify the identity proof'
        : 'STS could not be reached to verify the identity proof';
      return { error: new UpstreamError(message, { cause: networkFailure(error) }), retry: 'transient' };
    }
    const { status, text: answer } = answered;
    if (status === 200) return answered;
    // An error answer is named by its start: a code comes first, and the rest is never read.
    const code = errorCodeOf(answer.slice(0, MAX_ANSWER_CHARS));
    if (status === 429 || (code !== undefined && isStsThrottlingCode(code))) {
      const message = `STS is throttling identity-proof verification, even after retries; retry after ${THROTTLED_RETRY_AFTER_SECONDS} s`;
      return { error: new ThrottledError(message), retry: 'throttling' };
    }
    if (status >= 500) {
      const message = `STS failed to verify the identity proof (HTTP ${status})`;
      return { error: new UpstreamError(message), retry: 'transient' };
    }
    const message = `Identity proof refused: STS rejected it with ${code ?? 'an error'} (HTTP ${status})`;
    return { error: new ProofRefusedError(message) };
  };

  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempted = 1; ; attempted += 1) {
    const outcome = await attempt();
    if (!('error' in outcome)) {
      // An answer too large to be read whole is no caller identity, whatever its start says.
      const whole = !outcome.tooLarge && outcome.text.length <= MAX_ANSWER_CHARS;
      const identity = whole ? parseCallerIdentity(outcome.text) : undefined;
      const caller = identity && toCaller(identity.arn, identity.account, 'identity-proof');
      if (!caller)
        throw new ProofRefusedError('Identity proof refused: the STS answer is not a caller identity');
      const partition = caller.arn.split(':')[1] ?? '';
      if (!(options.partitions as readonly string[]).includes(partition))
        throw new ProofRefusedError(`Identity proof refused: the caller is of the ${partition} partition`);
      return caller;
    }
    if (!outcome.retry || attempted >= maxAttempts) throw outcome.error;
    const delay = backoffMs(outcome.retry, attempted - 1, options.random ?? Math.random);
    if (monotonic() + delay >= end) throw outcome.error;
    await (options.sleep ?? sleepFor)(delay);
  }
}
