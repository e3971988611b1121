import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { admitRequest } from '../../src/pipeline/admitRequest.ts';

const identity = { url: 'https://sts.us-west-2.amazonaws.com/', headers: {}, body: '' };

describe('admitRequest', () => {
  it('admits a valid request by either entry', () => {
    expect(admitRequest({ accountId: 'prod', identity }, { kind: 'invoke' })).toMatchObject({
      accountId: 'prod',
    });
    expect(admitRequest({ accountId: 'prod' }, { kind: 'function-url' })).toEqual({ accountId: 'prod' });
  });

  it('refuses a proof on the Function URL, whose signer is the caller', () => {
    expect(() => admitRequest({ accountId: 'prod', identity }, { kind: 'function-url' })).toThrow(
      new ValidationError(
        'Invalid request. identity: not used on the Function URL, whose caller is the request signer',
      ),
    );
  });

  it('refuses a malformed request', () => {
    expect(() => admitRequest({ accountId: 42 }, { kind: 'invoke' })).toThrow(ValidationError);
  });
});
