import {
  isServerError,
  isThrottlingError,
  isTransientError,
  MAXIMUM_RETRY_DELAY,
  Retry,
  type StandardRetryStrategy,
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
import { type Caller, toCaller } from './caller.ts';
import { parseCallerIdentity } from './parseCallerIdentity.ts';
import { proofRetryStrategy } from './proofRetryStrategy.ts';
import { type ProofAnswer, type ProofSender, proofSender } from './proofSender.ts';
import { type ProofRules, reconstructProof } from './reconstructProof.ts';

export interface VerifyIdentityProofOptions extends Omit<ProofRules, 'now'> {
  /** How long one STS attempt may take. Default: 3 s. */
  readonly timeoutMs?: number;
  /** How long verification may take in all, retries included, such as Lambda's remaining time. */
  readonly deadlineMs?: number | undefined;
  /**
   * Decides and paces the retries, and keeps the retry quota: give every verification of one
   * broker the same one, so that they share the quota. Default: a {@link proofRetryStrategy}
   * of its own, the SDK's standard mode with 3 attempts, as the broker's AssumeRole.
   */
  readonly retryStrategy?: StandardRetryStrategy;
  /**
   * Sends the rebuilt request, such as through the broker's STS client's HTTP handler
   * ({@link proofSender}). Default: an SDK HTTP handler of its own.
   */
  readonly send?: ProofSender;
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

type RetryErrorType = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1]['errorType'];

/** One attempt's failure, and what kind of failure the SDK's retry strategy sees in it. */
interface AttemptFailure {
  readonly error: BrokerError;
  readonly errorType: RetryErrorType;
}

type ClassifiedError = Parameters<typeof isThrottlingError>[0];

/** The SDK's own reading of a failure, as its retry middleware reads one for AssumeRole. */
const retryErrorTypeOf = (error: ClassifiedError): RetryErrorType => {
  if (isThrottlingError(error)) return 'THROTTLING';
  if (isTransientError(error)) return 'TRANSIENT';
  if (isServerError(error)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
};

/** An STS error answer as the SDK's awsQuery protocol would throw it: named by its code. */
const answerError = (code: string | undefined, status: number): ClassifiedError => ({
  name: code ?? `HTTP${status}`,
  message: '',
  $metadata: { httpStatusCode: status },
});

/**
 * A network failure as the SDK's classifiers see it: its name, and the code of it or of its
 * cause (ECONNRESET, ENOTFOUND, …). The attempt's own timeout is the SDK's TimeoutError, as the
 * STS client's request timeout would be.
 */
const networkError = (error: unknown, late: boolean): ClassifiedError => {
  if (late) return { name: 'TimeoutError', message: '' };
  const failed = error as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = failed?.code ?? failed?.cause?.code;
  return {
    name: typeof failed?.name === 'string' ? failed.name : 'Error',
    message: '',
    ...(typeof code === 'string' && { code }),
  };
};

/**
 * The longest wait the SDK's backoff may draw before retry number `retried` (from 0): full
 * jitter under an exponential ceiling, from a longer base after a throttle. Checked against the
 * deadline before asking the strategy, which waits before it answers.
 */
const longestBackoffMs = (errorType: RetryErrorType, retried: number): number =>
  Math.min(
    MAXIMUM_RETRY_DELAY,
    (errorType === 'THROTTLING' ? Retry.throttlingDelay() : Retry.delay()) * 2 ** retried,
  );

let sendByDefault: ProofSender | undefined;
/** One handler for every call that brings no sender, so that they share its connections. */
const defaultSender = (): ProofSender => {
  sendByDefault ??= proofSender(new NodeHttpHandler({ connectionTimeout: 1000 }));
  return sendByDefault;
};

/**
 * Proves who the caller is: checks the signed GetCallerIdentity proof, rebuilds it, sends it
 * to STS with a short timeout, follows no redirect, and reads the answer strictly. When STS
 * throttles or fails it tries again, as the SDK does for AssumeRole: with the SDK's standard
 * retry strategy and its reading of errors, within the deadline.
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
      // Whatever the SDK makes of it, no answer is never a refused proof.
      return {
        error: new UpstreamError(message, { cause: networkFailure(error) }),
        errorType: retryErrorTypeOf(networkError(error, late)),
      };
    }
    const { status, text: answer } = answered;
    if (status === 200) return answered;
    // An error answer is named by its start: a code comes first, and the rest is never read.
    const code = errorCodeOf(answer.slice(0, MAX_ANSWER_CHARS));
    const errorType = retryErrorTypeOf(answerError(code, status));
    if (errorType === 'THROTTLING') {
      const message = `STS is throttling identity-proof verification, even after retries; retry after ${THROTTLED_RETRY_AFTER_SECONDS} s`;
      return { error: new ThrottledError(message), errorType };
    }
    if (errorType !== 'CLIENT_ERROR') {
      const message = `STS failed to verify the identity proof (HTTP ${status})`;
      return { error: new UpstreamError(message), errorType };
    }
    const message = `Identity proof refused: STS rejected it with ${code ?? 'an error'} (HTTP ${status})`;
    return { error: new ProofRefusedError(message), errorType };
  };

  const strategy = options.retryStrategy ?? proofRetryStrategy();
  let token = await strategy.acquireInitialRetryToken('sts:GetCallerIdentity');
  for (;;) {
    const outcome = await attempt();
    if (!('error' in outcome)) {
      // STS answered: a success refills the quota, whatever the answer turns out to say.
      strategy.recordSuccess(token);
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
    if (monotonic() + longestBackoffMs(outcome.errorType, token.getRetryCount()) >= end) throw outcome.error;
    try {
      // Refused when the failure is not worth a retry, the attempts are spent or the quota is;
      // else it waits out the backoff.
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: outcome.errorType });
    } catch {
      throw outcome.error;
    }
  }
}
