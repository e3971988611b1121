import { STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ThrottledError, UpstreamError, ValidationError } from '../src/errors.ts';
import { mapStsError } from '../src/mapStsError.ts';

const ROLE = 'arn:aws:iam::222222222222:role/lambda_sts';
const stsError = (name: string, message = 'upstream words') =>
  new STSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('mapStsError', () => {
  it('names the role on AccessDenied without echoing STS, and keeps the cause', () => {
    const original = stsError(
      'AccessDenied',
      'User: arn:aws:sts::111111111111:assumed-role/x is not authorized',
    );
    const mapped = mapStsError(original, ROLE);
    expect(mapped).toBeInstanceOf(AccessDeniedError);
    expect(mapped.message).toContain(ROLE);
    expect(mapped.message).not.toContain('111111111111');
    expect(mapped.cause).toBe(original);
  });

  it('keeps STS words short when they describe the caller mistake', () => {
    const mapped = mapStsError(stsError('MalformedPolicyDocument', 'x'.repeat(5000)), ROLE);
    expect(mapped).toBeInstanceOf(ValidationError);
    expect(mapped.message.length).toBeLessThan(400);
  });

  it.each([
    ['Throttling', ThrottledError],
    ['RequestLimitExceeded', ThrottledError],
    ['InvalidIdentityToken', UpstreamError],
  ])('maps %s', (name, kind) => {
    expect(mapStsError(stsError(name), ROLE)).toBeInstanceOf(kind);
  });

  it('treats anything without service metadata as unreachable STS', () => {
    expect(mapStsError(new TypeError('fetch failed'), ROLE)).toBeInstanceOf(UpstreamError);
    expect(mapStsError('weird', ROLE).message).toBe('STS could not be reached');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { $metadata: { attempts: 3 } });
    expect(mapStsError(refused, ROLE).message).toBe('STS could not be reached');
  });
});
