import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { StsCredsInfraConfig } from '../config.ts';
import { TargetRoleStack } from './TargetRoleStack.ts';

/**
 * The TargetRoleStack's CloudFormation template, synthesized on its own, for embedding in a
 * StackSet. It is built in a separate app so that the outer app's tree, metadata and output
 * folder are untouched, and with path metadata off so the body stays the same from one
 * machine to the next.
 *
 * @example
 * const template = synthesizeTargetRoleTemplate(config); // { Resources: { TargetRole…: { Type: 'AWS::IAM::Role', … } } }
 */
export function synthesizeTargetRoleTemplate(config: StsCredsInfraConfig): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'stscreds-target-role-'));
  try {
    const app = new App({
      outdir,
      // The outer app validates the same template as the standalone TargetRoleStack; a second
      // CloudFormation validation engine would only add seconds to every synth.
      builtinCloudFormationValidation: false,
      postCliContext: {
        'aws:cdk:enable-path-metadata': false,
        'aws:cdk:version-reporting': false,
      },
    });
    const stack = new TargetRoleStack(app, 'StsCredsTargetRole', { config });
    return app.synth().getStackArtifact(stack.artifactId).template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
