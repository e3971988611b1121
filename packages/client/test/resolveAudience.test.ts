import { describe, expect, it } from 'vitest';
import { StsCredsValidationError } from '../src/errors.ts';
import { resolveAudience } from '../src/resolveAudience.ts';

const ARN = 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds';

describe('resolveAudience', () => {
  it('takes the audience given, before the environment and the ARN', () => {
    expect(resolveAudience({ audience: 'a', functionName: ARN, env: { STSCREDS_AUDIENCE: 'b' } })).toBe('a');
    expect(resolveAudience({ functionName: ARN, env: { STSCREDS_AUDIENCE: 'b' } })).toBe('b');
  });

  it("falls back to the function's ARN, without its version or alias", () => {
    expect(resolveAudience({ functionName: ARN, env: {} })).toBe(ARN);
    expect(resolveAudience({ functionName: `${ARN}:live`, env: {} })).toBe(ARN);
    expect(resolveAudience({ functionName: `${ARN}:$LATEST`, env: {} })).toBe(ARN);
    const china = 'arn:aws-cn:lambda:cn-north-1:111111111111:function:getSTScreds';
    expect(resolveAudience({ functionName: china, env: {} })).toBe(china);
  });

  it.each([
    ['a bare function name', 'getSTScreds'],
    ['an ARN with text before it', `x${ARN}`],
    ['an ARN with a path after it', `${ARN}/x`],
    ['an ARN of another service', 'arn:aws:iam::111111111111:role/getSTScreds'],
  ])('has no shared default for %s', (_case, functionName) => {
    expect(() => resolveAudience({ functionName, env: {} })).toThrow(StsCredsValidationError);
  });

  it('ignores an empty STSCREDS_AUDIENCE', () => {
    expect(resolveAudience({ functionName: ARN, env: { STSCREDS_AUDIENCE: '' } })).toBe(ARN);
  });
});
