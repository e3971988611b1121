import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionOf } from '../partitionOf.ts';
import { STS_ASSUME_ROLE_POLICY_NAME } from '../policies/constants.ts';
import type { ChainModel, ChainTarget } from './ChainModel.ts';
import { ChainInputError } from './errors.ts';
import { readTemplateFunctions } from './readTemplateFunctions.ts';
import { readTemplateRoles, type TemplateRole } from './readTemplateRoles.ts';
import { targetRoleOf } from './targetRoleOf.ts';
import { urlFunctionNotes } from './urlFunctionNotes.ts';

export interface ReadCloudAssemblyChainOptions {
  /**
   * The target accounts to check. @default - the accounts `sts_assumerole` names, or, when it
   * names none (an organization-wide policy), one stand-in member account
   */
  readonly accountIds?: readonly string[];
}

/** A member account that stands for "any account of the organization" when none is named. */
export const STAND_IN_MEMBER_ACCOUNT = '123456789012';

interface Template {
  readonly source: string;
  readonly accountId: string | undefined;
  readonly region: string | undefined;
  readonly body: Readonly<Record<string, unknown>>;
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type: string;
      readonly environment?: string;
      readonly properties?: { readonly templateFile?: string };
    }
  >;
}

const known = (value: string | undefined): string | undefined =>
  value && !value.startsWith('unknown-') ? value : undefined;

const readTemplates = async (dir: string): Promise<Template[]> => {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new ChainInputError(`${dir} is not a cloud assembly (run cdk synth first)`, { cause: error });
  }
  const templates: Template[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const file = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || !file) continue;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
    const body = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
    templates.push({ source: name, accountId: known(account), region: known(region), body });
    const resources = (body.Resources ?? {}) as Record<
      string,
      { Type: string; Properties?: Record<string, unknown> }
    >;
    for (const [logicalId, resource] of Object.entries(resources)) {
      const embedded = resource.Properties?.TemplateBody;
      if (resource.Type !== 'AWS::CloudFormation::StackSet' || typeof embedded !== 'string') continue;
      templates.push({
        source: `${name}/${logicalId} (StackSet)`,
        accountId: undefined,
        region: undefined,
        body: JSON.parse(embedded),
      });
    }
  }
  return templates;
};

/**
 * Reads the credential chain from a `cdk.out` folder: the broker role (the role holding
 * `sts_assumerole`) with all its policies, the functions that run as it with their resource
 * policies, and the target role as each target template, StackSet bodies included, would
 * create it in each target account.
 *
 * @throws {ChainInputError} when the folder is no cloud assembly, or holds no broker.
 * @example
 * const model = await readCloudAssemblyChain('packages/infra/cdk.out');
 */
export async function readCloudAssemblyChain(
  dir: string,
  options: ReadCloudAssemblyChainOptions = {},
): Promise<ChainModel> {
  const templates = await readTemplates(dir);
  let broker: { role: TemplateRole; template: Template; partition: string } | undefined;
  for (const template of templates) {
    if (!template.accountId) continue;
    const partition = partitionOf(template.region ?? 'us-east-1');
    const roles = readTemplateRoles(template.body, {
      partition,
      accountId: template.accountId,
      region: template.region ?? 'us-east-1',
    });
    const role = roles.find((r) => r.policies.some((p) => p.name === STS_ASSUME_ROLE_POLICY_NAME));
    if (role) broker = { role, template, partition };
  }
  if (!broker) {
    throw new ChainInputError(
      `No stack in ${dir} gives a role the ${STS_ASSUME_ROLE_POLICY_NAME} policy: is the broker stack synthesized with an account?`,
    );
  }
  const target = targetRoleOf(broker.role.policies);
  if (!target) {
    throw new ChainInputError(
      `${STS_ASSUME_ROLE_POLICY_NAME} of ${broker.role.arn} allows sts:AssumeRole on no role`,
    );
  }
  const accountIds = options.accountIds?.length
    ? options.accountIds
    : target.accountIds.length
      ? target.accountIds
      : [STAND_IN_MEMBER_ACCOUNT];
  const targets: ChainTarget[] = [];
  for (const accountId of accountIds) {
    // Identical trust policies from several templates (a stack and the StackSet that embeds
    // it) are one case, credited to each source.
    const byTrust = new Map<string, ChainTarget>();
    for (const template of templates) {
      if (template === broker.template || (template.accountId && template.accountId !== accountId)) continue;
      const roles = readTemplateRoles(template.body, {
        partition: broker.partition,
        accountId,
        region: template.region ?? broker.template.region ?? 'us-east-1',
      });
      const role = roles.find((r) => r.roleName === target.roleName && r.trustPolicy);
      if (!role) continue;
      const key = JSON.stringify(role.trustPolicy);
      const known = byTrust.get(key);
      byTrust.set(key, {
        accountId,
        roleName: role.roleName,
        trustPolicy: role.trustPolicy,
        source: known ? `${known.source}, ${template.source}` : template.source,
      });
    }
    targets.push(...byTrust.values());
    if (byTrust.size === 0) {
      targets.push({ accountId, roleName: target.roleName, trustPolicy: undefined, source: dir });
    }
  }
  const functions = readTemplateFunctions(
    broker.template.body,
    {
      partition: broker.partition,
      accountId: broker.template.accountId ?? '',
      region: broker.template.region ?? 'us-east-1',
    },
    broker.role.arn,
    broker.template.source,
  );
  const notes = [
    ...broker.role.managedPolicyArns.map(
      (arn) => `${broker.role.arn} also holds managed policy ${arn}, which cannot be read offline`,
    ),
    ...urlFunctionNotes(functions),
  ];
  const organizationId =
    target.organizationId ??
    targets
      .flatMap((t) => t.trustPolicy?.Statement ?? [])
      .map((s) => s.Condition?.StringEquals?.['aws:PrincipalOrgID'])
      .find((value): value is string => typeof value === 'string');
  return {
    partition: broker.partition,
    organizationId,
    broker: {
      roleArn: broker.role.arn,
      accountId: broker.template.accountId ?? '',
      policies: broker.role.policies,
    },
    targetRoleName: target.roleName,
    targets,
    functions,
    notes,
  };
}
