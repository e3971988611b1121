import { describe, expect, it } from 'vitest';
import { describeError } from '../src/describeError.ts';

const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQDx7Kp9QmZx7Kp9QmZ+ab/cd==';

describe('describeError', () => {
  it('keeps the name, a safe message and the upstream status and request id', () => {
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400, requestId: 'req-9' },
    });
    expect(describeError(error)).toEqual({
      name: 'Throttling',
      message: 'Rate exceeded',
      httpStatusCode: 400,
      upstreamRequestId: 'req-9',
    });
  });

  it.each([
    ['a header value quoted by fetch', `Headers.append: "${TOKEN}" is an invalid header value.`],
    ['a query-string token', `X-Amz-Security-Token=${TOKEN}&x=1`],
    ['a signature', `Signature=${'ab12'.repeat(16)}`],
    ['a bare signature', `the signature ${'ab12'.repeat(16)} did not match`],
    ['a secret key', 'SecretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'],
  ])('redacts %s', (_, message) => {
    const described = describeError(new TypeError(message));
    expect(described.message).toContain('[redacted]');
    for (const secret of [TOKEN, 'ab12'.repeat(16), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY']) {
      expect(described.message).not.toContain(secret.slice(0, 24));
    }
  });

  it('keeps what is not secret: ARNs, request ids, short words', () => {
    const message =
      'STS denied arn:aws:iam::222222222222:role/lambda_sts for 7f8e4c1a-0000-4000-8000-000000000001';
    expect(describeError(new Error(message)).message).toBe(message);
  });

  it('describes what is not an Error, and cuts what is long', () => {
    expect(describeError('plain')).toEqual({ name: 'string', message: 'plain' });
    expect(describeError(new Error('word '.repeat(100))).message).toHaveLength(300);
  });
});
