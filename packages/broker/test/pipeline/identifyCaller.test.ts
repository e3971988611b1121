import { requestDigest } from '@stscreds/contract';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ProofRefusedError, UpstreamError } from '../../src/errors.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';
import type { ProofBinding } from '../../src/identity/proofBinding.ts';
import { identifyCaller } from '../../src/pipeline/identifyCaller.ts';

const alice = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof') as Caller;
const urlCaller = toCaller('arn:aws:iam::111111111111:user/bob', '111111111111', 'function-url') as Caller;
const identity = { url: 'https://sts.us-west-2.amazonaws.com/', headers: {}, body: '' };
const fields = { accountId: 'prod', roleName: 'deploy', durationSeconds: 900 };
const request = { ...fields, identity };
const never = async (): Promise<Caller> => {
  throw new Error('must not verify');
};

describe('identifyCaller', () => {
  it('takes the Function URL signer, and never verifies a proof there', async () => {
    await expect(identifyCaller({ kind: 'function-url', caller: urlCaller }, request, never)).resolves.toBe(
      urlCaller,
    );
    await expect(identifyCaller({ kind: 'function-url' }, request, never)).resolves.toBeUndefined();
  });

  it("verifies a direct invoke's proof against the digest of the request's other fields", async () => {
    const bindings: ProofBinding[] = [];
    const verify = async (_proof: unknown, binding: ProofBinding) => {
      bindings.push(binding);
      return alice;
    };
    await expect(identifyCaller({ kind: 'invoke' }, request, verify, 1234)).resolves.toBe(alice);
    expect(bindings).toEqual([{ requestDigest: requestDigest(fields), deadlineMs: 1234 }]);
  });

  it('knows nobody when a direct invoke carries no proof', async () => {
    await expect(identifyCaller({ kind: 'invoke' }, fields, never)).resolves.toBeUndefined();
  });

  it('turns a refusal of the proof into a ProofRefusedError with the same words', async () => {
    const refuse = async (): Promise<Caller> => {
      throw new AccessDeniedError('Identity proof refused: x-amz-date is malformed');
    };
    const error = await identifyCaller({ kind: 'invoke' }, request, refuse).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProofRefusedError);
    expect(error).toMatchObject({
      code: 'AccessDenied',
      message: 'Identity proof refused: x-amz-date is malformed',
    });
  });

  it('lets an STS failure through as it is', async () => {
    const down = async (): Promise<Caller> => {
      throw new UpstreamError('STS could not be reached');
    };
    const error = await identifyCaller({ kind: 'invoke' }, request, down).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(ProofRefusedError);
  });
});
