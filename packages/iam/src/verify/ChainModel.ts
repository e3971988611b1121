import type { PolicyDocument } from '../policies/policyDocument.ts';

/** An identity policy of a principal, by name. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** The target role as found in one account. */
export interface ChainTarget {
  readonly accountId: string;
  readonly roleName: string;
  /** Undefined when the role does not exist there. */
  readonly trustPolicy: PolicyDocument | undefined;
  /** Where it was read: a template, a StackSet's body, or IAM itself. */
  readonly source: string;
}

/** A function that runs as the broker, and who may invoke it. */
export interface ChainFunction {
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  /** Its `STSCREDS_ENTRY`; undefined when unset, which the broker reads as `invoke`. */
  readonly entry: string | undefined;
  readonly hasFunctionUrl: boolean;
  /** Its resource policy in IAM's form; undefined when it has none. */
  readonly resourcePolicy: PolicyDocument | undefined;
  /** Where it was read: a template, or Lambda itself. */
  readonly source: string;
}

/** What the credential chain is made of: the broker's role and policies, and the target roles. */
export interface ChainModel {
  readonly partition: string;
  readonly organizationId: string | undefined;
  readonly broker: {
    readonly roleArn: string;
    readonly accountId: string;
    readonly policies: readonly NamedPolicy[];
  };
  readonly targetRoleName: string;
  readonly targets: readonly ChainTarget[];
  /** The functions that run as the broker. @default - none read */
  readonly functions?: readonly ChainFunction[];
  /** What could not be taken into account, such as managed policies offline; each is printed. */
  readonly notes: readonly string[];
}

/** One question to the simulator: may this caller assume this role, or invoke this function? */
export interface ChainCase {
  /** What is asked about: a target role (the default) or a broker function. */
  readonly resourceType?: 'role' | 'function';
  readonly account: string;
  /** The role's name, or the function's. */
  readonly role: string;
  /** The role's ARN, or the function's. */
  readonly roleArn: string;
  /** A short name for the caller, as the table shows it. */
  readonly caller: string;
  readonly callerArn: string;
  readonly expected: 'Allowed' | 'Denied';
  /** What the case proves. */
  readonly why: string;
  readonly actions: readonly string[];
  readonly identityPolicies: readonly NamedPolicy[];
  /** The role's trust policy (undefined when the role does not exist), or the function's resource policy. */
  readonly trustPolicy: PolicyDocument | undefined;
  readonly context: Readonly<Record<string, string>>;
}

/** A case with the simulator's answer. */
export interface ChainResult extends ChainCase {
  readonly actual: 'Allowed' | 'Denied';
  readonly reason: string;
  readonly unexpected: boolean;
}
