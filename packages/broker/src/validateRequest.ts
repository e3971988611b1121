import { type CredentialRequest, credentialRequestSchema, MAX_REQUEST_BYTES } from '@stscreds/contract';
import type { core } from 'zod/mini';
import { ValidationError } from './errors.ts';

const MAX_REPORTED_ISSUES = 5;
const MAX_MESSAGE_CHARS = 600;

const describeIssues = (error: core.$ZodError): string => {
  const described = error.issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const field = issue.path.map(String).join('.');
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - described.length;
  const text = `Invalid request. ${described.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
};

const serialisedBytes = (payload: object): number => {
  try {
    return Buffer.byteLength(JSON.stringify(payload), 'utf8');
  } catch {
    // Cycles, BigInts and nesting deep enough to exhaust the stack all land here.
    throw new ValidationError('Invalid request. It could not be read as JSON data');
  }
};

/**
 * Checks a contract v1 request and returns it with defaults applied. It is the first
 * step of every invocation: nothing else runs on a payload it has not accepted.
 *
 * @throws {ValidationError} with a message that names each offending field.
 * @example
 * const request = validateRequest({ accountId: '222222222222' });
 * request.roleName; // 'lambda_sts'
 */
export function validateRequest(payload: unknown): CredentialRequest {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ValidationError(
      'Invalid request. It must be a JSON object such as {"accountId":"222222222222"}',
    );
  }
  const bytes = serialisedBytes(payload);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new ValidationError(`Invalid request. It is ${bytes} bytes; the limit is ${MAX_REQUEST_BYTES}`);
  }
  const result = credentialRequestSchema.safeParse(payload);
  if (!result.success) {
    throw new ValidationError(describeIssues(result.error));
  }
  return result.data;
}
