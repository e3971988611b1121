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
  /** What could not be taken into account, such as managed policies offline; each is printed. */
  readonly notes: readonly string[];
}

/** One question to the simulator: may this caller assume this role? */
export interface ChainCase {
  readonly account: string;
  readonly role: string;
  readonly roleArn: string;
  /** A short name for the caller, as the table shows it. */
  readonly caller: string;
  readonly callerArn: string;
  readonly expected: 'Allowed' | 'Denied';
  /** What the case proves. */
  readonly why: string;
  readonly actions: readonly string[];
  readonly identityPolicies: readonly NamedPolicy[];
  /** Undefined when the role does not exist. */
  readonly trustPolicy: PolicyDocument | undefined;
  readonly context: Readonly<Record<string, string>>;
}

/** A case with the simulator's answer. */
export interface ChainResult extends ChainCase {
  readonly actual: 'Allowed' | 'Denied';
  readonly reason: string;
  readonly unexpected: boolean;
}
