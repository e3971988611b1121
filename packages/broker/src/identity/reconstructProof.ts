import { createHash } from 'node:crypto';
import { AUDIENCE_HEADER, GET_CALLER_IDENTITY_BODY, type IdentityProof } from '@stscreds/contract';
import { AccessDeniedError } from '../errors.ts';
/** How far a proof's x-amz-date may stray from the broker's clock. */
export const PROOF_MAX_SKEW_MS = 5 * 60 * 1000;

/** The only headers carried from a proof to STS. */
const FORWARDED_HEADERS = [
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  AUDIENCE_HEADER,
  'content-type',
  'x-amz-content-sha256',
] as const;
/** Headers a proof may sign: the forwarded ones, and those the HTTP client sets to the same value. */
const SIGNABLE_HEADERS = new Set<string>([...FORWARDED_HEADERS, 'host', 'content-length']);

/** `sts.amazonaws.com`, `sts.<region>.amazonaws.com`, their FIPS and China forms. */
const GENUINE_STS_HOST = /^sts(?:-fips)?(?:\.[a-z]{2}(?:-[a-z]+)+-\d)?\.amazonaws\.com(?:\.cn)?$/;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[A-Z0-9]{16,128}\/(\d{8})\/[a-z0-9-]{1,32}\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]{1,512}), ?Signature=[0-9a-f]{64}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded(?:; ?charset=utf-8)?$/i;

export interface ProofRules {
  /** The value the proof's x-stscreds-audience must carry. */
  readonly audience: string;
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

const denial = (check: string): AccessDeniedError =>
  new AccessDeniedError(`Identity proof refused: ${check}`);

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
  if (url.protocol !== 'https:' || url.port !== '' || !GENUINE_STS_HOST.test(url.hostname)) {
    throw denial('identity.url is not an STS endpoint');
  }
  return url.origin;
};

const lowerCased = (headers: Readonly<Record<string, string>>): Map<string, string> => {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (map.has(key)) throw denial(`header ${key} appears twice`);
    map.set(key, value);
  }
  return map;
};

const checkDate = (amzDate: string | undefined, scopeDate: string, now: Date): void => {
  const parts = amzDate ? AMZ_DATE.exec(amzDate) : null;
  if (!amzDate || !parts) throw denial('x-amz-date is missing or malformed');
  const [, y, mo, d, h, mi, s] = parts.map(Number);
  const signedAt = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  if (!amzDate.startsWith(scopeDate)) throw denial('x-amz-date does not match the credential scope');
  if (Number.isNaN(signedAt) || Math.abs(now.getTime() - signedAt) > PROOF_MAX_SKEW_MS) {
    throw denial('x-amz-date is more than 5 minutes from now');
  }
};

/**
 * Checks an identity proof and rebuilds, from its checked parts only, the request the broker
 * will send: the allowlisted STS origin with path `/`, POST, the one GetCallerIdentity body,
 * and a handful of headers. Nothing the caller sent is forwarded unread. Every refusal names
 * the check that failed and makes no network call.
 *
 * @throws {AccessDeniedError} `Identity proof refused: <check>`.
 * @example
 * const request = reconstructProof(identity, { audience: 'stscreds', extraStsOrigins: [], now: new Date() });
 */
export function reconstructProof(proof: IdentityProof, rules: ProofRules): ReconstructedProof {
  const origin = stsOrigin(proof.url, rules);
  if (proof.body !== GET_CALLER_IDENTITY_BODY)
    throw denial(`the body must be exactly ${GET_CALLER_IDENTITY_BODY}`);
  const headers = lowerCased(proof.headers);
  const authorization = AUTHORIZATION.exec(headers.get('authorization') ?? '');
  if (!authorization) throw denial('authorization is not an AWS4-HMAC-SHA256 signature for sts');
  const [, scopeDate = '', signedList = ''] = authorization;
  const signed = new Set(signedList.split(';'));
  for (const required of ['host', 'x-amz-date', AUDIENCE_HEADER]) {
    if (!signed.has(required)) throw denial(`${required} must be signed`);
  }
  for (const name of signed) {
    if (!SIGNABLE_HEADERS.has(name))
      throw denial(`the proof signs ${name}, which the broker does not forward`);
  }
  if (headers.get(AUDIENCE_HEADER) !== rules.audience)
    throw denial(`${AUDIENCE_HEADER} does not name this broker`);
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
