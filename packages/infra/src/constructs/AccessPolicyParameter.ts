import { AccessPolicyError, parseAccessPolicy } from '@stscreds/broker';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { InfraPropsError } from '../errors.ts';

export interface AccessPolicyParameterProps {
  /** @default '/stscreds/access-policy' */
  readonly parameterName?: string;
  /** The access policy document (a JSON value). It is checked with the broker's own parser. */
  readonly accessPolicy: unknown;
}

/** SSM standard parameters hold 4 KB; advanced ones 8 KB, at a monthly charge. */
const STANDARD_LIMIT_BYTES = 4096;
const ADVANCED_LIMIT_BYTES = 8192;

/**
 * The broker's access policy as an SSM String parameter. A policy the broker would refuse
 * fails the synth here, rather than failing every request after a deploy.
 *
 * @example
 * const policy = new AccessPolicyParameter(this, 'AccessPolicy', { accessPolicy: { version: 1, rules: [] } });
 * policy.parameter.parameterName; // '/stscreds/access-policy'
 */
export class AccessPolicyParameter extends Construct {
  readonly parameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: AccessPolicyParameterProps) {
    super(scope, id);
    const text = JSON.stringify(props.accessPolicy);
    try {
      parseAccessPolicy(text);
    } catch (error) {
      if (error instanceof AccessPolicyError) {
        throw new InfraPropsError(`The access policy is invalid: ${error.problems.join('; ')}`);
      }
      throw error;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > ADVANCED_LIMIT_BYTES) {
      throw new InfraPropsError(
        `The access policy is ${bytes} bytes; an SSM parameter holds ${ADVANCED_LIMIT_BYTES}`,
      );
    }
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName ?? '/stscreds/access-policy',
      description: 'The access policy of the getSTScreds broker: who may reach which account',
      stringValue: text,
      tier: bytes > STANDARD_LIMIT_BYTES ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });
  }
}
