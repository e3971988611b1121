/** The fields of a request that decide its answer: everything but the identity proof. */
export interface BoundRequestFields {
  readonly accountId: string;
  readonly roleName?: string | undefined;
  readonly sessionName?: string | undefined;
  readonly durationSeconds?: number | undefined;
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[] | undefined;
}

/** The first line of the canonical form; a later form would change it. */
export const CANONICAL_REQUEST_VERSION = 'stscreds-request-v1';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const encoder = new TextEncoder();

/** SigV4's URI encoding: UTF-8 bytes, unreserved ASCII kept, every other byte as `%XX`. */
const uriEncode = (text: string): string => {
  let out = '';
  for (const byte of encoder.encode(text)) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/**
 * The canonical text of a request's fields, which its identity proof signs a digest of. One
 * `name=value` line per field present, in the fixed order below, values URI-encoded as SigV4
 * encodes them, one `policyArns` line per ARN in the request's order, lines joined by `\n`,
 * after the version line. An absent field and an empty `policyArns` both give no line.
 * `docs/identity-proof.md` describes it for other languages.
 *
 * @example
 * canonicalRequest({ accountId: 'prod', durationSeconds: 900 });
 * // 'stscreds-request-v1\naccountId=prod\ndurationSeconds=900'
 */
export function canonicalRequest(fields: BoundRequestFields): string {
  const lines = [CANONICAL_REQUEST_VERSION, `accountId=${uriEncode(fields.accountId)}`];
  if (fields.durationSeconds !== undefined) lines.push(`durationSeconds=${fields.durationSeconds}`);
  if (fields.policy !== undefined) lines.push(`policy=${uriEncode(fields.policy)}`);
  for (const arn of fields.policyArns ?? []) lines.push(`policyArns=${uriEncode(arn)}`);
  if (fields.roleName !== undefined) lines.push(`roleName=${uriEncode(fields.roleName)}`);
  if (fields.sessionName !== undefined) lines.push(`sessionName=${uriEncode(fields.sessionName)}`);
  return lines.join('\n');
}
