import { createHash } from 'node:crypto';
import {
  AUDIENCE_HEADER,
  GET_CALLER_IDENTITY_BODY,
  type IdentityProof,
  MAX_PROOF_HEADER_CHARS,
  REQUEST_DIGEST_HEADER,
} from '@stscreds/contract';
import { ProofRefusedError } from '../errors.ts';
import { parseAmzDate } from './parseAmzDate.ts';
import { type Partition, stsHostPattern } from './stsHostPattern.ts';

/** How long a proof may be presented after its x-amz-date: its whole lifetime. */
export const PROOF_LIFETIME_MS = 5 * 60 * 1000;
/** How far ahead of the broker's clock a proof's x-amz-date may be: clock skew, no more. */
export const PROOF_MAX_AHEAD_MS = 30 * 1000;

/** The only headers carried from a proof to STS. */
const FORWARDED_HEADERS = [
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  AUDIENCE_HEADER,
  REQUEST_DIGEST_HEADER,
  'content-type',
  'x-amz-content-sha256',
] as const;
/** Headers a proof must sign: where it goes, when, for which broker and for which request. */
const REQUIRED_SIGNED = ['host', 'x-amz-date', AUDIENCE_HEADER, REQUEST_DIGEST_HEADER] as const;
/** Headers a proof may sign: the forwarded ones, and those the HTTP client sets to the same value. */
const SIGNABLE_HEADERS = new Set<string>([...FORWARDED_HEADERS, 'host', 'content-length']);

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[A-Z0-9]{16,128}\/(\d{8})\/[a-z0-9-]{1,32}\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]{1,512}), ?Signature=[0-9a-f]{64}$/;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded(?:; ?charset=utf-8)?$/i;
/** What an HTTP client sends unchanged: printable ASCII and the space, nothing that could split a header. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

export interface ProofRules {
  /** The value the proof's x-stscreds-audience must carry. */
  readonly audience: string;
  /** The digest of the request the proof came with, which the proof must sign. */
  readonly requestDigest: string;
  /** The partitions whose STS endpoints may verify a proof: the broker's own, unless configured. */
  readonly partitions: readonly Partition[];
  /** Origins allowed besides genuine STS, such as a local moto; for dev and tests only. */
  readonly extraStsOrigins: readonly string[];
  readonly now: Date;
}

/** A request to send to STS, built by the broker from a proof's checked parts. */
export interface ReconstructedProof {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: typeof GET_CALLER_IDENTITY_BODY;
}

const denial = (check: string): ProofRefusedError =>
  new ProofRefusedError(`Identity proof refused: ${check}`);

const stsOrigin = (raw: string, rules: ProofRules): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw denial('identity.url is not a URL');
  }
  if (url.username || url.password) throw denial('identity.url must not carry user information');
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw denial('identity.url must be the STS endpoint itself, with no path, query or fragment');
  }
  if (rules.extraStsOrigins.includes(url.origin)) return url.origin;
  if (url.protocol !== 'https:' || url.port !== '' || !stsHostPattern(rules.partitions).test(url.hostname)) {
    throw denial(`identity.url is not an STS endpoint of ${rules.partitions.join(' or ')}`);
  }
  return url.origin;
};

/** The proof's headers by lower-case name; a value that could not travel unchanged is refused, unread. */
const checkedHeaders = (headers: Readonly<Record<string, string>>): Map<string, string> => {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (map.has(key)) throw denial(`header ${key} appears twice`);
    if (value.length > MAX_PROOF_HEADER_CHARS)
      throw denial(`header ${key} is longer than ${MAX_PROOF_HEADER_CHARS} characters`);
    if (!HEADER_VALUE.test(value)) throw denial(`header ${key} holds a character other than printable ASCII`);
    map.set(key, value);
  }
  return map;
};

const checkDate = (amzDate: string | undefined, scopeDate: string, now: Date): void => {
  const signedAt = parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) throw denial('x-amz-date is missing or malformed');
  if (!amzDate.startsWith(scopeDate)) throw denial('x-amz-date does not match the credential scope');
  const age = now.getTime() - signedAt;
  if (age > PROOF_LIFETIME_MS) throw denial('x-amz-date is more than 5 minutes old');
  if (-age > PROOF_MAX_AHEAD_MS)
    throw denial("x-amz-date is more than 30 seconds ahead of the broker's clock");
};

/**
 * Checks an identity proof and rebuilds, from its checked parts only, the request the broker
 * will send: the allowlisted STS origin with path `/`, POST, the one GetCallerIdentity body,
 * and a handful of headers. Nothing the caller sent is forwarded unread. Every refusal names
 * the check that failed, never a header's value, and makes no network call.
 *
 * @throws {ProofRefusedError} `Identity proof refused: <check>`.
 * @example
 * const request = reconstructProof(identity, { audience, requestDigest: requestDigest(request),
 *   partitions: ['aws'], extraStsOrigins: [], now: new Date() });
 */
export function reconstructProof(proof: IdentityProof, rules: ProofRules): ReconstructedProof {
  const origin = stsOrigin(proof.url, rules);
  if (proof.body !== GET_CALLER_IDENTITY_BODY)
    throw denial(`the body must be exactly ${GET_CALLER_IDENTITY_BODY}`);
  const headers = checkedHeaders(proof.headers);
  const authorization = AUTHORIZATION.exec(headers.get('authorization') ?? '');
  if (!authorization) throw denial('authorization is not an AWS4-HMAC-SHA256 signature for sts');
  const [, scopeDate = '', signedList = ''] = authorization;
  const signed = new Set(signedList.split(';'));
  for (const required of REQUIRED_SIGNED) {
    if (!signed.has(required)) throw denial(`${required} must be signed`);
  }
  for (const name of signed) {
    if (!SIGNABLE_HEADERS.has(name))
      throw denial(`the proof signs ${name}, which the broker does not forward`);
  }
  if (headers.get(AUDIENCE_HEADER) !== rules.audience)
    throw denial(`${AUDIENCE_HEADER} does not name this broker`);
  if (headers.get(REQUEST_DIGEST_HEADER) !== rules.requestDigest)
    throw denial(`${REQUEST_DIGEST_HEADER} does not match this request`);
  checkDate(headers.get('x-amz-date'), scopeDate, rules.now);
  const contentType = headers.get('content-type');
  if (contentType !== undefined && !FORM_CONTENT_TYPE.test(contentType))
    throw denial('content-type must be form-encoded');
  const payloadHash = headers.get('x-amz-content-sha256');
  if (
    payloadHash !== undefined &&
    payloadHash !== createHash('sha256').update(GET_CALLER_IDENTITY_BODY).digest('hex')
  ) {
    throw denial('x-amz-content-sha256 does not match the body');
  }
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = headers.get(name);
    if (value !== undefined) forwarded[name] = value;
  }
  return { url: `${origin}/`, headers: forwarded, body: GET_CALLER_IDENTITY_BODY };
}
