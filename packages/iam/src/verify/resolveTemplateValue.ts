/** What a template's intrinsic functions are resolved against. */
export interface TemplateContext {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly resources: Readonly<Record<string, TemplateResource>>;
  readonly parameters?: Readonly<Record<string, { readonly Default?: unknown }>>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

const URL_SUFFIX: Record<string, string> = { 'aws-cn': 'amazonaws.com.cn' };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const roleArn = (ctx: TemplateContext, logicalId: string): string => {
  const props = ctx.resources[logicalId]?.Properties ?? {};
  const name = resolveTemplateValue(props.RoleName, ctx);
  const path = resolveTemplateValue(props.Path, ctx);
  return `arn:${ctx.partition}:iam::${ctx.accountId}:role${typeof path === 'string' ? path : '/'}${typeof name === 'string' ? name : logicalId}`;
};

const functionName = (ctx: TemplateContext, logicalId: string): string => {
  const name = resolveTemplateValue(ctx.resources[logicalId]?.Properties?.FunctionName, ctx);
  return typeof name === 'string' ? name : logicalId;
};

const ref = (name: string, ctx: TemplateContext): unknown => {
  switch (name) {
    case 'AWS::Partition':
      return ctx.partition;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::URLSuffix':
      return URL_SUFFIX[ctx.partition] ?? 'amazonaws.com';
    case 'AWS::NoValue':
      return undefined;
  }
  const parameter = ctx.parameters?.[name];
  if (parameter) return resolveTemplateValue(parameter.Default, ctx);
  const resource = ctx.resources[name];
  if (resource?.Type === 'AWS::IAM::Role') {
    const roleName = resolveTemplateValue(resource.Properties?.RoleName, ctx);
    return typeof roleName === 'string' ? roleName : name;
  }
  if (resource?.Type === 'AWS::Lambda::Function') return functionName(ctx, name);
  return `<Ref ${name}>`;
};

const getAtt = (logicalId: string, attribute: string, ctx: TemplateContext): string => {
  const type = ctx.resources[logicalId]?.Type;
  if (type === 'AWS::IAM::Role' && attribute === 'Arn') return roleArn(ctx, logicalId);
  if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
    return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:${functionName(ctx, logicalId)}`;
  }
  return `<${logicalId}.${attribute}>`;
};

const sub = (text: string, variables: Record<string, unknown>, ctx: TemplateContext): string =>
  text.replace(/\$\{([^!}][^}]*)\}/g, (_match, name: string) => {
    if (name in variables) return String(resolveTemplateValue(variables[name], ctx));
    const [id, attribute] = name.split('.');
    if (id && attribute) return getAtt(id, attribute, ctx);
    return String(ref(name, ctx));
  });

/**
 * Resolves the intrinsic functions of a CloudFormation template value that IAM policies use:
 * `Ref` (pseudo parameters, parameters' defaults, role and function names), `Fn::Join`,
 * `Fn::Sub` and `Fn::GetAtt` of a role's or a function's `Arn`. What it cannot resolve becomes a `<…>` placeholder, which
 * no real ARN matches, so it can only make a policy narrower.
 *
 * @example
 * resolveTemplateValue({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/lambda_sts']] }, ctx);
 * // 'arn:aws:iam::*:role/lambda_sts'
 */
export function resolveTemplateValue(value: unknown, ctx: TemplateContext): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveTemplateValue(item, ctx)).filter((item) => item !== undefined);
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const argument = value[key as string];
    if (key === 'Ref' && typeof argument === 'string') return ref(argument, ctx);
    if (key === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string') {
      const parts = resolveTemplateValue(argument[1], ctx);
      return Array.isArray(parts) ? parts.map(String).join(argument[0]) : `<Fn::Join>`;
    }
    if (key === 'Fn::Sub') {
      if (typeof argument === 'string') return sub(argument, {}, ctx);
      if (Array.isArray(argument) && typeof argument[0] === 'string' && isRecord(argument[1])) {
        return sub(argument[0], argument[1], ctx);
      }
    }
    if (key === 'Fn::GetAtt') {
      const [id, attribute] =
        typeof argument === 'string' ? argument.split('.') : Array.isArray(argument) ? argument : [];
      if (typeof id === 'string' && typeof attribute === 'string') return getAtt(id, attribute, ctx);
    }
    if (key?.startsWith('Fn::')) return `<${key}>`;
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const next = resolveTemplateValue(child, ctx);
    if (next !== undefined) resolved[key] = next;
  }
  return resolved;
}
