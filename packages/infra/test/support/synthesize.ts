import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildStsCredsApp, type StsCredsStacks } from '../../src/buildStsCredsApp.ts';
import type { StsCredsInfraConfig } from '../../src/config.ts';

/** A synthesized app, written to a temporary cloud assembly. */
export interface Synthesized {
  readonly dir: string;
  readonly app: App;
  readonly stacks: StsCredsStacks;
  /** Template files by stack name, plus each StackSet's embedded body. */
  readonly files: Readonly<Record<string, string>>;
  template(stack: Stack): Template;
  json(stack: Stack): Record<string, unknown>;
  /** What each construct acknowledged: `path → { ruleId: reason }`. */
  acknowledgements(): { path: string; construct: IConstruct; id: string; reason: string }[];
  cleanup(): void;
}

/**
 * Builds the stscreds app with cdk-nag on and synthesizes it once, as `cdk synth` would;
 * app.synth() throws on any unacknowledged finding.
 */
export function synthesize(config: StsCredsInfraConfig): Synthesized {
  const dir = mkdtempSync(join(tmpdir(), 'stscreds-infra-'));
  // CDK's own CloudFormation validation takes seconds to start in every test process; each
  // test file runs cfn-lint over the same templates instead.
  const app = new App({ outdir: dir, builtinCloudFormationValidation: false });
  const stacks = buildStsCredsApp(app, config);
  const assembly = app.synth();
  const files: Record<string, string> = {};
  for (const stack of [stacks.broker, stacks.targetRole, stacks.rollout]) {
    if (!stack) continue;
    const artifact = assembly.getStackArtifact(stack.artifactId);
    files[stack.stackName] = join(dir, artifact.templateFile);
    for (const [logicalId, resource] of Object.entries(artifact.template.Resources ?? {})) {
      const body = (resource as { Properties?: { TemplateBody?: unknown } }).Properties?.TemplateBody;
      if (typeof body !== 'string') continue;
      const file = join(dir, `${stack.stackName}.${logicalId}.body.json`);
      writeFileSync(file, body);
      files[`${stack.stackName}/${logicalId}`] = file;
    }
  }
  const json = (stack: Stack) =>
    JSON.parse(readFileSync(join(dir, assembly.getStackArtifact(stack.artifactId).templateFile), 'utf8'));
  return {
    dir,
    app,
    stacks,
    files,
    json,
    template: (stack) => Template.fromJSON(json(stack)),
    acknowledgements: () =>
      app.node.findAll().flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) =>
            Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
              path: construct.node.path,
              construct,
              id,
              reason,
            })),
          ),
      ),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The cdk-nag violations the synth recorded in its validation report. */
export function nagViolations(dir: string): string[] {
  const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName?: string; violations?: { ruleName: string }[] }[];
  };
  return report.pluginReports.flatMap((r) => (r.violations ?? []).map((v) => v.ruleName));
}

export const isStackOrApp = (construct: IConstruct): boolean =>
  Stack.isStack(construct) || App.isApp(construct);
