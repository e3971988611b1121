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

const waits: number[] = [];
const options = (fake: ProofSender) => ({
  audience: 'aud',
  requestDigest: requestDigest(REQUEST),
  partitions: ['aws'] as const,
  extraStsOrigins: [],
  send: fake,
  now: () => NOW,
  random: () => 0.5,
  sleep: async (ms: number) => {
    waits.push(ms);
  },
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
      throw new TypeError('fetch failed');
    });
    await expect(verifyIdentityProof(proof, options(unreachable.fake))).rejects.toThrow(UpstreamError);
    expect(unreachable.calls).toHaveLength(3);
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
    waits.length = 0;
    const { calls, fake } = answers(throttled, () => new Response('oops', { status: 500 }), identity);
    await expect(verifyIdentityProof(proof, options(fake))).resolves.toMatchObject({
      accountId: '111111111111',
    });
    expect(calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
    // Full jitter (half, here) under the SDK's ceilings: 500 ms after a throttle, 100 * 2 ms after a second fault.
    expect(waits).toEqual([250, 100]);
  });

  it('never retries a refusal', async () => {
    const { calls, fake } = answers(
      () =>
        new Response('<ErrorResponse><Error><Code>ExpiredToken</Code></Error></ErrorResponse>', {
          status: 403,
        }),
    );
    await expect(verifyIdentityProof(proof, options(fake))).rejects.toThrow(/ExpiredToken/);
    expect(calls).toHaveLength(1);
  });

  it('takes a deadline that is not a whole number of milliseconds', async () => {
    const { fake } = answers(identity);
    await expect(
      verifyIdentityProof(proof, { ...options(fake), deadlineMs: 2999.75 }),
    ).resolves.toMatchObject({
      accountId: '111111111111',
    });
  });

  it('stops retrying when the deadline would pass during the wait', async () => {
    let clock = 0;
    const { calls, fake } = answers(throttled);
    const attempt = verifyIdentityProof(proof, {
      ...options(fake),
      deadlineMs: 600,
      monotonic: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      // The longest backoff: 500 ms after a first throttle, past the deadline's 600 less its margin.
      random: () => 0.999_999,
    });
    await expect(attempt).rejects.toThrow(ThrottledError);
    expect(calls).toHaveLength(1);
  });

  it('refuses a caller of a partition the broker does not take, even from a listed origin', async () => {
    const china = IDENTITY.replace('arn:aws:sts::', 'arn:aws-cn:sts::');
    const { fake } = recorder(async () => new Response(china, { status: 200 }));
    await expect(verifyIdentityProof(proof, options(fake))).rejects.toThrow(
      'Identity proof refused: the caller is of the aws-cn partition',
    );
  });
});
