import { parseAccessPolicy } from '@stscreds/broker';
import type { AccessPolicyJson } from './addRevocation.ts';
import {
  type DeliverRevocationsOptions,
  deliverRevocations,
  type RevocationDelivery,
} from './deliverRevocations.ts';
import { pruneRevocations } from './pruneRevocations.ts';
import { revocationInputsOf } from './revocationInputsOf.ts';

/** Where the access policy lives: a file, or an SSM parameter the broker reads. */
export interface AccessPolicyStore {
  /** `file access-policy.json`, `SSM parameter /stscreds/access-policy`. */
  readonly describe: string;
  read(): Promise<string>;
  write(text: string): Promise<void>;
}

export interface ChangeRevocationsOptions extends Omit<DeliverRevocationsOptions, 'inputs' | 'dryRun'> {
  readonly store: AccessPolicyStore;
  /** The edit, from the document as stored to the document wanted; identity to only re-deliver. */
  readonly change: (document: AccessPolicyJson) => AccessPolicyJson;
  readonly dryRun?: boolean | undefined;
}

export interface RevocationChange {
  /** The access policy as written (or, on a dry run, as it would be). */
  readonly document: AccessPolicyJson;
  readonly deliveries: readonly RevocationDelivery[];
}

/**
 * Changes the revocations of an access policy and delivers them: reads the policy where the
 * broker reads it, applies the change, drops lifted revocations that have nothing left to
 * deny, checks the result as the broker would, builds every AWS-side document (refusing, before
 * any write, one that would not fit), then writes the policy (so that the broker stops issuing
 * first) and the documents. A dry run writes nothing.
 *
 * @throws {AccessPolicyError} when the result is not a valid access policy.
 * @throws {RevocationNotDeliverableError} when a revocation to deliver names a pattern or a role.
 * @throws {RevocationPolicyTooLargeError} when a document would not fit.
 * @example
 * await changeRevocations({ store, change: (d) => addRevocation(d, revocation), now: Date.now(),
 *   partition: 'aws', targetRoleName: 'lambda_sts', organizations });
 */
export async function changeRevocations(options: ChangeRevocationsOptions): Promise<RevocationChange> {
  const stored = JSON.parse(await options.store.read()) as AccessPolicyJson;
  const document = pruneRevocations(options.change(stored), options.now);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const policy = parseAccessPolicy(text);
  const delivering = options.organizations !== undefined || (options.inlineAccounts?.length ?? 0) > 0;
  const inputs = delivering ? revocationInputsOf(policy) : [];
  // Every document is built and sized first: a refusal leaves everything as it was.
  const planned = await deliverRevocations({ ...options, inputs, dryRun: true });
  if (options.dryRun) return { document, deliveries: planned };
  await options.store.write(text);
  return { document, deliveries: await deliverRevocations({ ...options, inputs, dryRun: false }) };
}
