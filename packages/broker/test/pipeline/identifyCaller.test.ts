import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ProofRefusedError, UpstreamError } from '../../src/errors.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';
import { identifyCaller } from '../../src/pipeline/identifyCaller.ts';

const alice = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof') as Caller;
const urlCaller = toCaller('arn:aws:iam::111111111111:user/bob', '111111111111', 'function-url') as Caller;
const proof = { url: 'https://sts.us-west-2.amazonaws.com/', headers: {}, body: '' };
const never = async (): Promise<Caller> => {
  throw new Error('must not verify');
};

describe('identifyCaller', () => {
  it('takes the Function URL signer, and never verifies a proof there', async () => {
    await expect(identifyCaller({ kind: 'function-url', caller: urlCaller }, proof, never)).resolves.toBe(
      urlCaller,
    );
    await expect(identifyCaller({ kind: 'function-url' }, proof, never)).resolves.toBeUndefined();
  });

  it('verifies the proof of a direct invoke', async () => {
    await expect(identifyCaller({ kind: 'invoke' }, proof, async () => alice)).resolves.toBe(alice);
  });

  it('knows nobody when a direct invoke carries no proof', async () => {
    await expect(identifyCaller({ kind: 'invoke' }, undefined, never)).resolves.toBeUndefined();
  });

  it('turns a refusal of the proof into a ProofRefusedError with the same words', async () => {
    const refuse = async (): Promise<Caller> => {
      throw new AccessDeniedError('Identity proof refused: x-amz-date is malformed');
    };
    const error = await identifyCaller({ kind: 'invoke' }, proof, refuse).catch((e: unknown) => e);
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
    const error = await identifyCaller({ kind: 'invoke' }, proof, down).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(ProofRefusedError);
  });
});
