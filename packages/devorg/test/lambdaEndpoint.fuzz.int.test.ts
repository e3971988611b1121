import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorResponseSchema, GET_CALLER_IDENTITY_BODY } from '@stscreds/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED } from '../../../test/fuzzBudget.ts';
import { DEV_ORG } from '../src/defaults.ts';
import { type DevOrg, startDevOrg } from '../src/startDevOrg.ts';

// The seed and budget follow the handler fuzzing's variables: STSCREDS_FUZZ_SEED replays a
// failure, and STSCREDS_FUZZ_RUNS (its budget, default 22,000) scales this file's share.
const SEED = FUZZ_SEED;
const RUNS = Math.max(1, Math.round((FUZZ_RUNS * 300) / 22_000));

let org: DevOrg;
let stateDir: string;
let invocationsUrl: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stscreds-fuzz-'));
  org = await startDevOrg({ stateDir });
  org.logger.setLogLevel('SILENT');
  invocationsUrl = `${org.broker.lambdaEndpoint}/2015-03-31/functions/${DEV_ORG.functionName}/invocations`;
});

afterAll(async () => {
  await org?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** What Lambda would hand the function for these bytes, or undefined when it must refuse them. */
const eventOf = (bytes: Uint8Array): { value: unknown } | undefined => {
  if (bytes.length === 0) return { value: {} };
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return undefined;
  }
};

const mightBeARequest = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, 'accountId');

/**
 * Near-valid requests whose identity proof points at this organization's moto only: a proof
 * aimed at genuine STS would leave the machine, and only loopback traffic is allowed here.
 */
const forgedProofRequest = fc
  .record({
    accountId: fc.constantFrom('prod', 'staging', '222222222222', '444444444444'),
    authorization: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .nat()
        .map(
          (n) =>
            `AWS4-HMAC-SHA256 Credential=AKIAFORGED000000/20261128/us-west-2/sts/aws4_request, SignedHeaders=host;x-amz-date;x-stscreds-audience, Signature=${n.toString(16).padStart(64, '0')}`,
        ),
    ),
    date: fc.constantFrom('20261128T000000Z', 'yesterday', ''),
  })
  .map(({ accountId, authorization, date }) =>
    JSON.stringify({
      accountId,
      identity: {
        url: `${org.broker.stsEndpoint}/`,
        headers: { authorization, 'x-amz-date': date, 'x-stscreds-audience': org.broker.audience },
        body: GET_CALLER_IDENTITY_BODY,
      },
    }),
  );

const encoder = new TextEncoder();
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.jsonValue().map((value) => encoder.encode(JSON.stringify(value))),
  fc.string({ unit: 'binary', maxLength: 256 }).map((text) => encoder.encode(text)),
  fc
    .constantFrom('', 'null', '{}', '[]', '{"accountId":"prod"', '\ufeff{"accountId":"prod"}')
    .map((text) => encoder.encode(text)),
  forgedProofRequest.map((text) => encoder.encode(text)),
);

describe(`the local Lambda endpoint under fuzzing (seed ${SEED}, ${RUNS} cases)`, () => {
  it('answers any bytes with a contract error, or with a Lambda service error before invoking; never a 5xx or a function error', async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(payload, async (bytes) => {
        ran += 1;
        const before = org.lambda.invocations();
        const response = await fetch(invocationsUrl, { method: 'POST', body: bytes });
        const text = await response.text();
        const invoked = org.lambda.invocations() - before;
        expect(response.status, text).toBeLessThan(500);
        expect(response.headers.get('x-amz-function-error')).toBeNull();
        const event = eventOf(bytes);
        if (event === undefined) {
          expect([400, 413]).toContain(response.status);
          expect(response.headers.get('x-amzn-errortype')).toMatch(
            /^(InvalidRequestContentException|RequestTooLargeException)$/,
          );
          expect(JSON.parse(text)).toEqual({ Type: 'User', Message: expect.any(String) });
          expect(invoked, 'a refused request was counted as an invocation').toBe(0);
          return;
        }
        expect(response.status).toBe(200);
        expect(invoked).toBe(1);
        const { code } = errorResponseSchema.parse(JSON.parse(text)).error;
        if (mightBeARequest(event.value)) expect(['ValidationError', 'AccessDenied']).toContain(code);
        else expect(code).toBe('ValidationError');
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(ran).toBe(RUNS);
  }, 120_000);
});
