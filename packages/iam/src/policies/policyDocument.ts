/**
 * The IAM policy JSON the builders produce. Kept to the subset stscreds writes, so that a
 * document reads the same in a CloudFormation template, in the IAM API and in a simulator.
 */

/** `{ "StringEquals": { "aws:PrincipalOrgID": "o-…" } }` and the like. */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyPrincipal {
  readonly AWS?: string | readonly string[];
  readonly Service?: string | readonly string[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: PolicyConditions;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}
