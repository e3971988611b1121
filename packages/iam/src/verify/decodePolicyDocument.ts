import type { PolicyDocument } from '../policies/policyDocument.ts';
import { ChainInputError } from './errors.ts';

/**
 * Reads a policy document as the IAM API answers it: URL-encoded JSON.
 *
 * @throws {ChainInputError} when IAM returned no document.
 * @example
 * decodePolicyDocument(role.AssumeRolePolicyDocument, 'lambda_sts');
 */
export function decodePolicyDocument(encoded: string | undefined, what: string): PolicyDocument {
  if (!encoded) throw new ChainInputError(`IAM returned no document for ${what}`);
  return JSON.parse(decodeURIComponent(encoded)) as PolicyDocument;
}
