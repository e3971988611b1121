import type { PolicyConditions, PolicyPrincipal, PolicyStatement } from '../policies/policyDocument.ts';

type Raw = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `lambda:AddPermission`'s principal forms, as IAM writes them in the resource policy. */
const principalOf = (value: unknown, partition: string): '*' | PolicyPrincipal | undefined => {
  if (value === '*') return '*';
  if (isRecord(value)) return value as PolicyPrincipal;
  if (typeof value !== 'string') return undefined;
  if (/^[0-9]{12}$/.test(value)) return { AWS: `arn:${partition}:iam::${value}:root` };
  if (value.endsWith('.amazonaws.com')) return { Service: value };
  return { AWS: value };
};

/** Conditions as IAM compares them: every value a string. */
const stringValues = (conditions: unknown): Record<string, Record<string, string | string[]>> => {
  const out: Record<string, Record<string, string | string[]>> = {};
  if (!isRecord(conditions)) return out;
  for (const [operator, entries] of Object.entries(conditions)) {
    if (!isRecord(entries)) continue;
    out[operator] = Object.fromEntries(
      Object.entries(entries).map(([key, v]) => [key, Array.isArray(v) ? v.map(String) : String(v)]),
    );
  }
  return out;
};

/**
 * One statement of a function's resource policy in IAM's own form, from any of the forms it
 * is found in: an `AWS::Lambda::Permission`'s properties, a statement as Lambda's GetPolicy
 * answers it, or as moto stores `AddPermission`'s fields (bare account ids, and
 * `PrincipalOrgID`, `FunctionUrlAuthType` or `InvokedViaFunctionUrl` beside the statement
 * rather than in its `Condition`). The simulator then reads them all alike.
 *
 * @example
 * lambdaPolicyStatement({ Action: 'lambda:InvokeFunction', Principal: '444444444444', InvokedViaFunctionUrl: true }, fnArn, 'aws');
 * // { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444444444444:root' }, …, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } }
 */
export function lambdaPolicyStatement(raw: Raw, functionArn: string, partition: string): PolicyStatement {
  const condition = stringValues(raw.Condition);
  const add = (operator: string, key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    condition[operator] = { ...condition[operator], [key]: String(value) };
  };
  add('StringEquals', 'aws:PrincipalOrgID', raw.PrincipalOrgID);
  add('StringEquals', 'aws:SourceAccount', raw.SourceAccount);
  add('ArnLike', 'aws:SourceArn', raw.SourceArn);
  add('StringEquals', 'lambda:FunctionUrlAuthType', raw.FunctionUrlAuthType);
  if (raw.InvokedViaFunctionUrl === true || raw.InvokedViaFunctionUrl === 'true') {
    add('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  }
  const principal = principalOf(raw.Principal, partition);
  const statement = {
    ...(typeof raw.Sid === 'string' && { Sid: raw.Sid }),
    Effect: raw.Effect === 'Deny' ? 'Deny' : 'Allow',
    ...(principal && { Principal: principal }),
    Action:
      typeof raw.Action === 'string' || Array.isArray(raw.Action) ? raw.Action : 'lambda:InvokeFunction',
    Resource: typeof raw.Resource === 'string' ? raw.Resource : functionArn,
    ...(Object.keys(condition).length > 0 && { Condition: condition as PolicyConditions }),
  };
  return statement as PolicyStatement;
}
