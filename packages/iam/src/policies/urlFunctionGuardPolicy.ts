import type { PolicyDocument } from './policyDocument.ts';

export interface UrlFunctionGuardPolicyOptions {
  readonly partition: string;
  readonly region: string;
  /** The broker's account, which runs the URL function. */
  readonly accountId: string;
  /** The URL function's name. */
  readonly functionName: string;
}

/**
 * The service control policy that keeps every principal of the broker's account from
 * invoking the Function URL function other than through its URL. In its own account a
 * principal needs no resource policy, and a Lambda resource policy cannot deny, so only an
 * SCP stops an administrator there (or `lambda:*` on `*`) from sending a forged Function URL
 * event. `BoolIfExists` also covers a direct invoke, which carries no
 * `lambda:InvokedViaFunctionUrl` at all.
 *
 * @example
 * urlFunctionGuardPolicy({ partition: 'aws', region: 'us-west-2', accountId: '111111111111', functionName: 'getSTScreds-url' });
 */
export function urlFunctionGuardPolicy(options: UrlFunctionGuardPolicyOptions): PolicyDocument {
  const arn = `arn:${options.partition}:lambda:${options.region}:${options.accountId}:function:${options.functionName}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyDirectInvokeOfUrlBroker',
        Effect: 'Deny',
        Action: 'lambda:InvokeFunction',
        Resource: [arn, `${arn}:*`],
        Condition: { BoolIfExists: { 'lambda:InvokedViaFunctionUrl': 'false' } },
      },
    ],
  };
}
