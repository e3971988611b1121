import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  AUDIENCE_HEADER,
  type BoundRequestFields,
  GET_CALLER_IDENTITY_BODY,
  type IdentityProof,
  REQUEST_DIGEST_HEADER,
  requestDigest,
} from '@stscreds/contract';

export interface BuildIdentityProofOptions {
  /** The caller's own credentials; the secret key signs the proof and is never sent. */
  readonly credentials: AwsCredentialIdentity;
  /** The broker's audience, which the broker requires the proof to carry and sign. */
  readonly audience: string;
  /**
   * The request the proof is for. Its digest is signed into the proof, and the broker
   * refuses the proof for any request that differs in any field.
   */
  readonly request: BoundRequestFields;
  /** The region whose STS endpoint signs the proof. Default: `us-west-2`. */
  readonly region?: string;
  /** The STS endpoint. Default: `https://sts.<region>.amazonaws.com` (or `.amazonaws.com.cn`). */
  readonly stsEndpoint?: string;
  /** The signing time. Default: now. */
  readonly signingDate?: Date;
}

const defaultStsEndpoint = (region: string): string =>
  `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/**
 * Signs an `sts:GetCallerIdentity` request with the caller's credentials, for the broker to
 * forward to STS and so learn who the caller is. This is the pattern of Vault's IAM auth.
 * The proof is bound to one broker (its audience) and one request (the digest of its fields).
 *
 * @example
 * const request = { accountId: '222222222222', durationSeconds: 900 };
 * const identity = await buildIdentityProof({ credentials, audience, request });
 * await invoke({ ...request, identity });
 */
export async function buildIdentityProof(options: BuildIdentityProofOptions): Promise<IdentityProof> {
  const region = options.region ?? 'us-west-2';
  const endpoint = new URL(options.stsEndpoint ?? defaultStsEndpoint(region));
  const signer = new SignatureV4({
    credentials: options.credentials,
    region,
    service: 'sts',
    sha256: Sha256,
    // The broker forwards only the proof's own headers; a payload-hash header would be one more to carry.
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port && { port: Number(endpoint.port) }),
    path: '/',
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      [AUDIENCE_HEADER]: options.audience,
      [REQUEST_DIGEST_HEADER]: requestDigest(options.request),
    },
    body: GET_CALLER_IDENTITY_BODY,
  });
  const signed = await signer.sign(request, {
    ...(options.signingDate && { signingDate: options.signingDate }),
  });
  const { host: _host, ...headers } = signed.headers;
  return { url: `${endpoint.origin}/`, headers, body: GET_CALLER_IDENTITY_BODY };
}
