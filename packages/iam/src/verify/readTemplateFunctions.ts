import type { PolicyStatement } from '../policies/policyDocument.ts';
import type { ChainFunction } from './ChainModel.ts';
import { lambdaPolicyStatement } from './lambdaPolicyStatement.ts';
import { resolveTemplateValue, type TemplateContext } from './resolveTemplateValue.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the functions of a template that run as a given role, resolved for its account: each
 * one's `STSCREDS_ENTRY`, whether it has a Function URL, and its resource policy as the
 * template's `AWS::Lambda::Permission` resources build it.
 *
 * @example
 * const functions = readTemplateFunctions(template, ctx, 'arn:aws:iam::111111111111:role/stscreds-broker', 'StsCredsBroker');
 */
export function readTemplateFunctions(
  template: Readonly<Record<string, unknown>>,
  where: Omit<TemplateContext, 'resources' | 'parameters'>,
  roleArn: string,
  source: string,
): ChainFunction[] {
  const resources = (isRecord(template.Resources) ? template.Resources : {}) as TemplateContext['resources'];
  const parameters = (
    isRecord(template.Parameters) ? template.Parameters : {}
  ) as TemplateContext['parameters'];
  const ctx: TemplateContext = { ...where, resources, parameters };
  const resolved = (value: unknown) => resolveTemplateValue(value, ctx);
  const byArn = new Map<string, { name: string; entry: string | undefined; statements: PolicyStatement[] }>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || resolved(resource.Properties?.Role) !== roleArn)
      continue;
    const variables = resolved(resource.Properties?.Environment);
    const entry =
      isRecord(variables) && isRecord(variables.Variables) ? variables.Variables.STSCREDS_ENTRY : undefined;
    byArn.set(String(resolved({ 'Fn::GetAtt': [logicalId, 'Arn'] })), {
      name: String(resolved({ Ref: logicalId })),
      entry: typeof entry === 'string' ? entry : undefined,
      statements: [],
    });
  }
  const urls = new Set<string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Url' && props.Qualifier === undefined) {
      urls.add(String(resolved(props.TargetFunctionArn)));
    }
    if (resource.Type !== 'AWS::Lambda::Permission') continue;
    const target = String(resolved(props.FunctionName));
    const found = [...byArn.entries()].find(([arn, f]) => arn === target || f.name === target);
    if (!found) continue;
    const [arn, fn] = found;
    // The logical id stands in for the statement id Lambda would give the permission.
    const permission = { ...(resolved(props) as Record<string, unknown>), Sid: logicalId };
    fn.statements.push(lambdaPolicyStatement(permission, arn, where.partition));
  }
  return [...byArn.entries()].map(([arn, fn]) => ({
    name: fn.name,
    arn,
    accountId: where.accountId,
    entry: fn.entry,
    hasFunctionUrl: urls.has(arn),
    resourcePolicy: fn.statements.length ? { Version: '2012-10-17', Statement: fn.statements } : undefined,
    source,
  }));
}
