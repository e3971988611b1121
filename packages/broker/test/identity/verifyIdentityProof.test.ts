import { INITIAL_RETRY_TOKENS, NO_RETRY_INCREMENT, Retry, StandardRetryStrategy } from '@smithy/core/retry';
import { buildIdentityProof } from '@stscreds/client';
import { type IdentityProof, requestDigest } from '@stscreds/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProofRefusedError, ThrottledError, UpstreamError } from '../../src/errors.ts';
import type { ProofSender } from '../../src/identity/proofSender.ts';
import type { ReconstructedProof } from '../../src/identity/reconstructProof.ts';
import { verifyIdentityProof } from '../../src/identity/verifyIdentityProof.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111111111111:assumed-role/ci/build-42</Arn><UserId>AROA:build-42</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;

const REQUEST = { accountId: '222222222222' };
let proof: IdentityProof;
beforeAll(async () => {
  proof = await buildIdentityProof({
    credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' },
    audience: 'aud',
    signingDate: NOW,
    request: REQUEST,
  });
});

/** A sender that records each request it is given and answers with `answer`'s status and text. */
const recorder = (answer: () => Promise<Response>) => {
  const calls: ReconstructedProof[] = [];
  const fake: ProofSender = async (request) => {
    calls.push(request);
    const response = await answer();
    return { status: response.status, text: await response.text() };
  };
  return { calls, fake };
};

/**
 * The SDK's standard retry strategy, with a backoff that waits nothing and records each wait
 * it was asked for: the base delay the strategy chose (after a throttle or a fault) and the
 * retry's number.
 */
const standardRetries = (maxAttempts = 3) => {
  const backoffs: { base: number; retried: number }[] = [];
  let base = Number.NaN;
  const strategy = new StandardRetryStrategy({
    maxAttempts,
    backoff: {
      setDelayBase: (delay: number) => {
        base = delay;
      },
      computeNextBackoffDelay: (retried: number) => {
        backoffs.push({ base, retried });
        return 0;
      },
    },
  });
  return { strategy, backoffs };
};

const options = (fake: ProofSender, retryStrategy = standardRetries().strategy) => ({
  audience: 'aud',
  requestDigest: requestDigest(REQUEST),
  partitions: ['aws'] as const,
  extraStsOrigins: [],
  send: fake,
  now: () => NOW,
  retryStrategy,
});

/** Answers in turn, the last one for ever after. */
const answers = (...made: (() => Response)[]) => {
  let index = 0;
  return recorder(async () => (made[Math.min(index++, made.length - 1)] as () => Response)());
};
const throttled = () =>
  new Response(
    '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
    { status: 400 },
  );
const identity = () => new Response(IDENTITY, { status: 200 });
const refusedWith = (code: string) => () =>
  new Response(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code></Error></ErrorResponse>`, {
    status: 403,
  });

describe('verifyIdentityProof', () => {
  it('sends the rebuilt request, and normalises the caller', async () => {
    const { calls, fake } = recorder(async () => new Response(IDENTITY, { status: 200 }));
    const caller = await verifyIdentityProof(
      { ...proof, headers: { ...proof.headers, host: 'evil.example' } },
      options(fake),
    );
    expect(caller).toEqual({
      arn: 'arn:aws:sts::111111111111:assumed-role/ci/build-42',
      principalArn: 'arn:aws:iam::111111111111:role/ci',
      accountId: '111111111111',
      sessionName: 'build-42',
      verifiedBy: 'identity-proof',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://sts.us-west-2.amazonaws.com/');
    expect(calls[0]?.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(Object.keys(calls[0]?.headers ?? {})).not.toContain('host');
  });

  it('makes no network call for a refused proof', async () => {
    const { calls, fake } = recorder(async () => new Response(IDENTITY));
    await expect(
      verifyIdentityProof({ ...proof, url: 'https://evil.example/' }, options(fake)),
    ).rejects.toThrow(ProofRefusedError);
    expect(calls).toHaveLength(0);
  });

  it('denies what STS rejects, naming its code and never the signature', async () => {
    const { fake } = recorder(
      async () =>
        new Response('<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>', {
          status: 403,
        }),
    );
    const attempt = verifyIdentityProof(proof, options(fake));
    await expect(attempt).rejects.toThrow(/STS rejected it with SignatureDoesNotMatch \(HTTP 403\)/);
    const signature = /Signature=(\w+)/.exec(proof.headers.authorization ?? '')?.[1] ?? 'missing';
    await expect(attempt).rejects.not.toThrow(signature);
  });

  it('denies a redirect instead of following it', async () => {
    const { fake } = recorder(
      async () => new Response(null, { status: 302, headers: { location: 'https://evil.example/' } }),
    );
    await expect(verifyIdentityProof(proof, options(fake))).rejects.toThrow(ProofRefusedError);
  });

  it('denies a 200 that is not a caller identity, or whose ARN and account disagree', async () => {
    const { fake } = recorder(async () => new Response('<html>hello</html>', { status: 200 }));
    await expect(verifyIdentityProof(proof, options(fake))).rejects.toThrow(/not a caller identity/);
    const mismatched = recorder(
      async () =>
        new Response(IDENTITY.replace('<Account>111111111111', '<Account>222222222222'), { status: 200 }),
    );
    await expect(verifyIdentityProof(proof, options(mismatched.fake))).rejects.toThrow(
      /not a caller identity/,
    );
  });

  it('reads an answer of exactly 64 KiB, and refuses one character more', async () => {
    const padded = (size: number) => `${IDENTITY}${' '.repeat(size - IDENTITY.length)}`;
    const exact = recorder(async () => new Response(padded(64 * 1024), { status: 200 }));
    await expect(verifyIdentityProof(proof, options(exact.fake))).resolves.toMatchObject({
      accountId: '111111111111',
    });
    const over = recorder(async () => new Response(padded(64 * 1024 + 1), { status: 200 }));
    await expect(verifyIdentityProof(proof, options(over.fake))).rejects.toThrow(/not a caller identity/);
  });

  it('refuses an answer its sender read only the start of, even when that start is an identity', async () => {
    const { calls, fake } = recorder(async () => new Response(IDENTITY, { status: 200 }));
    const cut: ProofSender = async (request, signal) => ({
      ...(await fake(request, signal)),
      tooLarge: true,
    });
    await expect(verifyIdentityProof(proof, options(cut))).rejects.toThrow(
      'Identity proof refused: the STS answer is not a caller identity',
    );
    expect(calls).toHaveLength(1);
  });

  it('answers UpstreamError when STS fails or cannot be reached, after three attempts', async () => {
    const failing = recorder(async () => new Response('oops', { status: 503 }));
    await expect(verifyIdentityProof(proof, options(failing.fake))).rejects.toThrow(UpstreamError);
    expect(failing.calls).toHaveLength(3);
    const unreachable = recorder(async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) });
    });
    await expect(verifyIdentityProof(proof, options(unreachable.fake))).rejects.toThrow(UpstreamError);
    expect(unreachable.calls).toHaveLength(3);
  });

  it('retries an attempt that timed out, as the SDK retries its own request timeout', async () => {
    const late = recorder(async () => {
      throw new DOMException('This operation was aborted', 'AbortError');
    });
    await expect(verifyIdentityProof(proof, options(late.fake))).rejects.toThrow(
      'STS did not answer in time to verify the identity proof',
    );
    expect(late.calls).toHaveLength(3);
  });

  it.each<[string, () => Promise<Response>, string]>([
    [
      'a network failure the SDK does not retry',
      async () => {
        throw Object.assign(new Error('write EPROTO'), { code: 'EPROTO' });
      },
      'STS could not be reached to verify the identity proof',
    ],
    [
      'a 501, a server error the SDK does not retry',
      async () => new Response('no', { status: 501 }),
      'STS failed to verify the identity proof (HTTP 501)',
    ],
  ])('answers UpstreamError, never a refusal, at once for %s', async (_, answer, message) => {
    const { calls, fake } = recorder(answer);
    const error = await verifyIdentityProof(proof, options(fake)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe(message);
    expect(calls).toHaveLength(1);
  });

  it('keeps nothing of a network error but its kind, for a network error can quote the request', async () => {
    const token = 'FwoGZXIvYXdzEJr//////////wEaDNoTaRealTokenButLooksLikeOne';
    const unreachable = recorder(async () => {
      throw new TypeError(`Headers.append: "${token}" is an invalid header value.`, {
        cause: Object.assign(new Error(token), { code: 'ECONNRESET' }),
      });
    });
    const error = await verifyIdentityProof(proof, options(unreachable.fake)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).cause).toEqual(new Error('TypeError (ECONNRESET)'));
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('NoTaRealToken');
  });

  it('keeps the code of a Node.js network error, and nothing of its message', async () => {
    const unreachable = recorder(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443 NoTaRealToken'), {
        code: 'ECONNREFUSED',
      });
    });
    const error = await verifyIdentityProof(proof, options(unreachable.fake)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).cause).toEqual(new Error('Error (ECONNREFUSED)'));
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('NoTaRealToken');
  });

  it('answers Throttled, with a retry hint, when STS throttles past three attempts; never a refusal', async () => {
    const { calls, fake } = answers(throttled);
    const error = await verifyIdentityProof(proof, options(fake)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).not.toBeInstanceOf(ProofRefusedError);
    expect((error as Error).message).toMatch(/retry after \d+ s$/);
    expect(calls).toHaveLength(3);
    const tooMany = answers(() => new Response('slow down', { status: 429 }));
    await expect(verifyIdentityProof(proof, options(tooMany.fake))).rejects.toThrow(ThrottledError);
  });

  it('retries through throttling and faults, with the backoff of the SDK, and verifies', async () => {
    const { strategy, backoffs } = standardRetries();
    const { calls, fake } = answers(throttled, () => new Response('oops', { status: 500 }), identity);
    await expect(verifyIdentityProof(proof, options(fake, strategy))).resolves.toMatchObject({
      accountId: '111111111111',
    });
    expect(calls).toHaveLength(3);
    // The SDK's longer base after a throttle, its shorter one after a fault.
    expect(Retry.throttlingDelay()).toBeGreaterThan(Retry.delay());
    expect(backoffs).toEqual([
      { base: Retry.throttlingDelay(), retried: 0 },
      { base: Retry.delay(), retried: 1 },
    ]);
  });

  it.each(['ExpiredToken', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'AccessDenied'])(
    'never retries a refusal: %s',
    async (code) => {
      const { strategy, backoffs } = standardRetries();
      const { calls, fake } = answers(refusedWith(code));
      const error = await verifyIdentityProof(proof, options(fake, strategy)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProofRefusedError);
      expect((error as Error).message).toBe(
        `Identity proof refused: STS rejected it with ${code} (HTTP 403)`,
      );
      expect(calls).toHaveLength(1);
      expect(backoffs).toEqual([]);
    },
  );

  it('makes three attempts with a strategy of its own when given none', async () => {
    const failing = answers(() => new Response('oops', { status: 503 }));
    const { retryStrategy, ...rest } = options(failing.fake);
    expect(retryStrategy).toBeDefined();
    // The SDK's own backoff, here: waits of at most 50 and 100 ms.
    await expect(verifyIdentityProof(proof, rest)).rejects.toThrow(UpstreamError);
    expect(failing.calls).toHaveLength(3);
  });

  describe('the retry quota', () => {
    /** Verifications of one proof, in turn, through `strategy`: the attempts each made. */
    const burst = async (strategy: StandardRetryStrategy, count: number, answer: () => Response) => {
      const attempts: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const { calls, fake } = answers(answer);
        await verifyIdentityProof(proof, options(fake, strategy)).catch(() => undefined);
        attempts.push(calls.length);
      }
      return attempts;
    };
    const fault = () => new Response('oops', { status: 503 });

    it('is shared by the verifications given one strategy: a burst of faults drains it, and later ones stop retrying', async () => {
      const { strategy } = standardRetries();
      const attempts = await burst(strategy, 25, fault);
      // Each retry of a fault costs the SDK's retry cost, out of its initial tokens.
      const affordable = Math.floor(INITIAL_RETRY_TOKENS / Retry.cost());
      expect(attempts.reduce((sum, n) => sum + n - 1, 0)).toBe(affordable);
      expect(attempts.slice(0, Math.floor(affordable / 2))).toEqual(
        Array(Math.floor(affordable / 2)).fill(3),
      );
      expect(attempts.slice(-3)).toEqual([1, 1, 1]);
      // Another strategy has a quota of its own.
      expect(await burst(standardRetries().strategy, 1, fault)).toEqual([3]);
    });

    it('keeps answering Throttled, with no retry, once throttling drained it', async () => {
      const { strategy } = standardRetries();
      const attempts = await burst(strategy, 60, throttled);
      expect(attempts.reduce((sum, n) => sum + n - 1, 0)).toBe(
        Math.floor(INITIAL_RETRY_TOKENS / Retry.throttlingCost()),
      );
      const { calls, fake } = answers(throttled);
      await expect(verifyIdentityProof(proof, options(fake, strategy))).rejects.toThrow(ThrottledError);
      expect(calls).toHaveLength(1);
    });

    it('is refilled by answers', async () => {
      const { strategy } = standardRetries();
      await burst(strategy, 25, fault);
      expect(await burst(strategy, 1, fault)).toEqual([1]);
      // Each answer gives a token back: answers worth one retry's cost buy one retry more, not two.
      await burst(strategy, Math.ceil(Retry.cost() / NO_RETRY_INCREMENT), identity);
      expect(await burst(strategy, 1, fault)).toEqual([2]);
    });
  });

  it('takes a deadline that is not a whole number of milliseconds', async () => {
    const { fake } = answers(identity);
    await expect(
      verifyIdentityProof(proof, { ...options(fake), deadlineMs: 2999.75 }),
    ).resolves.toMatchObject({
      accountId: '111111111111',
    });
  });

  it('stops retrying when the deadline could pass during the wait', async () => {
    const { calls, fake } = answers(throttled);
    const attempt = verifyIdentityProof(proof, {
      ...options(fake),
      // The longest backoff after a first throttle is past what the deadline's margin leaves.
      deadlineMs: 250 + Retry.throttlingDelay(),
      monotonic: () => 0,
    });
    await expect(attempt).rejects.toThrow(ThrottledError);
    expect(calls).toHaveLength(1);
  });

  it('retries a fault while its longest backoff fits before the deadline, and no further', async () => {
    const { calls, fake } = answers(() => new Response('oops', { status: 503 }));
    const attempt = verifyIdentityProof(proof, {
      ...options(fake),
      // Room for the longest first backoff after a fault, not for the second's, twice as long.
      deadlineMs: 250 + Retry.delay() + 1,
      monotonic: () => 0,
    });
    await expect(attempt).rejects.toThrow(UpstreamError);
    expect(calls).toHaveLength(2);
  });

  it('refuses a caller of a partition the broker does not take, even from a listed origin', async () => {
    const china = IDENTITY.replace('arn:aws:sts::', 'arn:aws-cn:sts::');
    const { fake } = recorder(async () => new Response(china, { status: 200 }));
    await expect(verifyIdentityProof(proof, options(fake))).rejects.toThrow(
      'Identity proof refused: the caller is of the aws-cn partition',
    );
  });
});
