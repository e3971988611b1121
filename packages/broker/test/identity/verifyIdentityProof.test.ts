import { buildIdentityProof } from '@stscreds/client';
import type { IdentityProof } from '@stscreds/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, UpstreamError } from '../../src/errors.ts';
import { verifyIdentityProof } from '../../src/identity/verifyIdentityProof.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111111111111:assumed-role/ci/build-42</Arn><UserId>AROA:build-42</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;

let proof: IdentityProof;
beforeAll(async () => {
  proof = await buildIdentityProof({
    credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' },
    audience: 'aud',
    signingDate: NOW,
  });
});

const recorder = (answer: () => Promise<Response>) => {
  const calls: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as typeof fetch;
  return { calls, fake };
};

const options = (fake: typeof globalThis.fetch) => ({
  audience: 'aud',
  extraStsOrigins: [],
  fetch: fake,
  now: () => NOW,
});

describe('verifyIdentityProof', () => {
  it('sends the rebuilt request without redirects, and normalises the caller', async () => {
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
    expect(calls[0]?.init).toMatchObject({
      method: 'POST',
      redirect: 'manual',
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(Object.keys(calls[0]?.init.headers ?? {})).not.toContain('host');
  });

  it('makes no network call for a refused proof', async () => {
    const { calls, fake } = recorder(async () => new Response(IDENTITY));
    await expect(
      verifyIdentityProof({ ...proof, url: 'https://evil.example/' }, options(fake)),
    ).rejects.toThrow(AccessDeniedError);
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
    await expect(verifyIdentityProof(proof, options(fake))).rejects.toThrow(AccessDeniedError);
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

  it('answers UpstreamError when STS fails or cannot be reached', async () => {
    const failing = recorder(async () => new Response('oops', { status: 503 }));
    await expect(verifyIdentityProof(proof, options(failing.fake))).rejects.toThrow(UpstreamError);
    const unreachable = recorder(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(verifyIdentityProof(proof, options(unreachable.fake))).rejects.toThrow(UpstreamError);
  });
});
