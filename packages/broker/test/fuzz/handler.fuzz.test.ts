import { Logger } from '@aws-lambda-powertools/logger';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import {
  brokerResponseSchema,
  credentialResponseSchema,
  GET_CALLER_IDENTITY_BODY,
  type IdentityProof,
  MAX_REQUEST_BYTES,
} from '@stscreds/contract';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED } from '../../../../test/fuzzBudget.ts';
import { type BrokerHandler, createHandler } from '../../src/createHandler.ts';
import { AccessDeniedError } from '../../src/errors.ts';
import { isFunctionUrlEvent } from '../../src/http/readFunctionUrlRequest.ts';
import type { FunctionUrlResult } from '../../src/http/toFunctionUrlResult.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';
import { loadAccessPolicy } from '../../src/policy/loadAccessPolicy.ts';
import { ALICE, TEST_AUDIENCE, testConfig } from '../support.ts';

// ---------------------------------------------------------------------------------------------
// Budget. A failure prints the seed and the path; STSCREDS_FUZZ_SEED replays it, and
// STSCREDS_FUZZ_RUNS asks for a longer (or shorter) run, shared among the properties by weight.

const SEED = FUZZ_SEED;
const TOTAL_RUNS = FUZZ_RUNS;

const WEIGHTS = {
  invokeBroken: 7,
  invokeControl: 2,
  invokeJson: 3,
  invokeAnything: 3,
  urlBroken: 4,
  urlRaw: 3,
  urlControl: 1,
  urlShape: 2,
  urlAuthorizer: 1,
  unknownAlias: 0.5,
} as const;
const WEIGHT_SUM = Object.values(WEIGHTS).reduce((sum, weight) => sum + weight, 0);
const runsOf = (property: keyof typeof WEIGHTS): number =>
  Math.max(1, Math.round((TOTAL_RUNS * WEIGHTS[property]) / WEIGHT_SUM));
const PLANNED = (Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]).reduce((sum, p) => sum + runsOf(p), 0);

/** Asserts a property over its share of the budget, and that fast-check ran every case of it. */
const check = async <T>(
  property: keyof typeof WEIGHTS,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
): Promise<void> => {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      ran += 1;
      await predicate(value);
    }),
    { seed: SEED, numRuns: runsOf(property) },
  );
  expect(ran).toBe(runsOf(property));
};

// ---------------------------------------------------------------------------------------------
// The broker under test: entry `both`, STS mocked at the SDK edge, proofs "verified" by a
// stand-in that counts, so that any call made for an invalid request shows.

const stsMock = mockClient(STSClient);
stsMock.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
  const account = /^arn:aws:iam::(\d{12}):role\//.exec(input.RoleArn ?? '')?.[1] ?? '000000000000';
  return {
    Credentials: {
      AccessKeyId: 'ASIAFUZZEXAMPLE00001',
      SecretAccessKey: 'fuzz-secret-access-key',
      SessionToken: 'fuzz-session-token',
      Expiration: new Date(Date.now() + 3600_000),
    },
    AssumedRoleUser: {
      Arn: `arn:aws:sts::${account}:assumed-role/lambda_sts/${input.RoleSessionName}`,
      AssumedRoleId: 'AROAFUZZ:session',
    },
  };
});

const BOB = 'arn:aws:iam::111111111111:user/bob';
const callerOf = (arn: string): Caller => {
  const caller = toCaller(arn, '111111111111', 'identity-proof');
  if (!caller) throw new Error(`not a caller ARN: ${arn}`);
  return caller;
};
const CALLERS = { ALICE: callerOf(ALICE), BOB: callerOf(BOB) } as const;

let verifications = 0;
const verifyProof = async (proof: IdentityProof): Promise<Caller> => {
  verifications += 1;
  // A proof whose body is not GetCallerIdentity stands for one that STS would refuse.
  if (proof.body !== GET_CALLER_IDENTITY_BODY) throw new AccessDeniedError('The identity proof was refused');
  return proof.headers.authorization?.includes('Credential=BOB') ? CALLERS.BOB : CALLERS.ALICE;
};

const config = testConfig({ entry: 'invoke' });
const brokerOf = (entry: 'invoke' | 'url'): BrokerHandler =>
  createHandler({
    config: entry === 'url' ? { ...config, entry } : config,
    sts: new STSClient({ region: 'us-west-2' }),
    logger: new Logger({ serviceName: 'getSTScreds', logLevel: 'SILENT' }),
    loadPolicy: loadAccessPolicy(config.policySource),
    verifyProof,
  });
// As deployed: one function per entry. URL-shaped events go to the URL function, everything
// else to the invoke function.
const invokeHandler = brokerOf('invoke');
const urlHandler = brokerOf('url');
const handler: BrokerHandler = (event, context) =>
  (isFunctionUrlEvent(event) ? urlHandler : invokeHandler)(event, context);

const REQUEST_ID = 'fuzz-request-0001';

/** Runs one event through the handler, and tells what it cost upstream. */
const run = async (event: unknown) => {
  // A fresh history each case keeps the mock's bookkeeping from growing with the run.
  stsMock.resetHistory();
  const before = verifications;
  const answer: unknown = await handler(event, { awsRequestId: REQUEST_ID });
  return {
    answer,
    assumed: stsMock.commandCalls(AssumeRoleCommand).length,
    stsCalls: stsMock.calls().length,
    verified: verifications - before,
  };
};

type Outcome = 'issued' | 'ValidationError' | 'AccessDenied';

/** The answer of a direct invoke: always the contract, never InternalError, never a stray request id. */
const contractAnswer = (answer: unknown) => {
  const parsed = brokerResponseSchema.safeParse(answer);
  expect(parsed.success, `not a contract answer: ${JSON.stringify(answer)}`).toBe(true);
  if (!parsed.success) throw parsed.error;
  if ('error' in parsed.data) {
    expect(parsed.data.error.code).not.toBe('InternalError');
    expect(parsed.data.error.requestId).toBe(REQUEST_ID);
    return { outcome: parsed.data.error.code, body: parsed.data };
  }
  return { outcome: 'issued' as const, body: parsed.data };
};

const URL_STATUSES = [200, 400, 403, 404, 405, 429, 500, 502];
const STATUS_OF_CODE: Record<string, number[]> = {
  ValidationError: [400, 404, 405],
  AccessDenied: [403],
  Throttled: [429],
  UpstreamError: [502],
  InternalError: [500],
};

/** The answer to a Function URL event: an HTTP result whose status agrees with its contract body. */
const urlAnswer = (answer: unknown) => {
  const result = answer as Partial<FunctionUrlResult>;
  expect(URL_STATUSES, `status of ${JSON.stringify(answer)}`).toContain(result.statusCode);
  expect(result.headers?.['cache-control']).toBe('no-store');
  expect(result.headers?.['content-type']).toBe('application/json');
  expect(typeof result.body).toBe('string');
  const { outcome, body } = contractAnswer(JSON.parse(String(result.body)));
  const status = result.statusCode ?? 0;
  if (outcome === 'issued') expect(status).toBe(200);
  else expect(STATUS_OF_CODE[outcome]).toContain(status);
  expect(status, 'a client mistake answered as a server fault').toBeLessThan(500);
  return { status, outcome, body };
};

/** A client mistake: refused as one, and it cost neither an STS call nor a proof verification. */
const refusedForFree = (cost: { assumed: number; stsCalls: number; verified: number }): void => {
  expect(cost.assumed).toBe(0);
  expect(cost.stsCalls).toBe(0);
  expect(cost.verified).toBe(0);
};

// ---------------------------------------------------------------------------------------------
// Generators: valid requests, and the broken values each field may take instead.

const ACCOUNT = '222222222222';
const ALLOWED_ACCOUNTS: Readonly<Record<string, string>> = {
  prod: '222222222222',
  staging: '333333333333',
  '222222222222': '222222222222',
  '333333333333': '333333333333',
};
const SCHEMA_KEYS = new Set([
  'accountId',
  'roleName',
  'sessionName',
  'durationSeconds',
  'policy',
  'policyArns',
  'identity',
]);

const amzDate = (): string =>
  new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const proofArb = (who: 'ALICE' | 'BOB' = 'ALICE'): fc.Arbitrary<IdentityProof> =>
  fc.nat().map((n) => ({
    url: 'https://sts.us-west-2.amazonaws.com/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-amz-date': amzDate(),
      'x-stscreds-audience': TEST_AUDIENCE,
      authorization: `AWS4-HMAC-SHA256 Credential=${who}/20261128/us-west-2/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-stscreds-audience, Signature=${n.toString(16).padStart(64, '0')}`,
    },
    body: GET_CALLER_IDENTITY_BODY,
  }));

const validPolicyArn = fc.oneof(
  fc.constantFrom(
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
    'arn:aws:iam::222222222222:policy/deploy',
  ),
  fc.stringMatching(/^[\w+=,.@-]{1,40}$/).map((name) => `arn:aws:iam::aws:policy/${name}`),
);

const validPolicy = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })
  .map((doc) => JSON.stringify(doc))
  .filter((text) => text.length <= 2048);

/** What alice may have: every field optional but the account (and, on invoke, her proof). */
const validFields = {
  accountId: fc.constantFrom(...Object.keys(ALLOWED_ACCOUNTS)),
  roleName: fc.constantFrom('lambda_sts', 'deploy'),
  sessionName: fc.stringMatching(/^[\w+=,.@-]{2,64}$/),
  durationSeconds: fc.integer({ min: 900, max: 3600 }),
  policy: validPolicy,
  policyArns: fc.array(validPolicyArn, { maxLength: 10 }),
};
const validUrlRequest = fc.record(validFields, { requiredKeys: ['accountId'] });
const validInvokeRequest = fc.record(
  { ...validFields, identity: proofArb('ALICE') },
  { requiredKeys: ['accountId', 'identity'] },
);

/** A broken value and the JSON text that carries it in a Function URL body. */
interface Broken {
  readonly value: unknown;
  readonly text: string;
}
const broken = (value: unknown, text: string = JSON.stringify(value)): Broken => ({ value, text });
const brokenFrom = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Broken> => arb.map((value) => broken(value));
const brokenConstants = (...values: unknown[]): fc.Arbitrary<Broken> =>
  brokenFrom(fc.constantFrom(...values));

const notAString = brokenFrom(
  fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  ),
);

const OVERSIZED = 'x'.repeat(MAX_REQUEST_BYTES + 4096);
const WHITESPACE = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u00a0',
  '\u2003',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\u3000',
];
const padded = (valid: string): fc.Arbitrary<Broken> =>
  fc
    .tuple(fc.constantFrom(...WHITESPACE), fc.boolean())
    .map(([space, before]) => broken(before ? `${space}${valid}` : `${valid}${space}`));

/** Characters outside `[\w+=,.@-]`, which every name in the contract is made of. */
const FOREIGN_CHARS = [
  ...'/:*? \n\t\u0000"\'\\<>{}[]|!#$%^&()~`;',
  'é',
  'ſ',
  'ｒ',
  'К',
  '\u200b',
  '\u2028',
  '😀',
];
const withForeignChar = (valid: string): fc.Arbitrary<Broken> =>
  fc
    .tuple(fc.integer({ min: 0, max: valid.length }), fc.constantFrom(...FOREIGN_CHARS))
    .map(([at, char]) => broken(`${valid.slice(0, at)}${char}${valid.slice(at)}`));

const longerThan = (limit: number, char = 'a'): fc.Arbitrary<Broken> =>
  fc.oneof(
    fc.integer({ min: limit + 1, max: limit + 300 }).map((n) => broken(char.repeat(n))),
    fc.constant(broken(OVERSIZED)),
  );

/** Zero code points of other scripts' decimal digits: fullwidth, Arabic-Indic, Persian, Devanagari, Bengali, mathematical bold. */
const DIGIT_ZEROS = [0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x1d7ce];
const foreignDigits = fc.oneof(
  fc
    .constantFrom(...DIGIT_ZEROS)
    .map((zero) => broken(ACCOUNT.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d))))),
  fc
    .tuple(fc.integer({ min: 0, max: ACCOUNT.length - 1 }), fc.constantFrom(...DIGIT_ZEROS))
    .map(([at, zero]) =>
      broken(`${ACCOUNT.slice(0, at)}${String.fromCodePoint(zero + 2)}${ACCOUNT.slice(at + 1)}`),
    ),
);

const brokenAccountId = fc.oneof(
  notAString,
  brokenFrom(fc.oneof(fc.constant(222222222222), fc.integer({ min: 0 }))),
  brokenFrom(fc.stringMatching(/^\d{0,11}$/)),
  brokenFrom(fc.stringMatching(/^\d{13,40}$/)),
  foreignDigits,
  padded(ACCOUNT),
  padded('prod'),
  brokenConstants(
    'arn:aws:iam::222222222222:role/admin',
    '222222222222:role/admin',
    'arn:aws:iam::222222222222:root',
    '*',
    '2222222222*',
    '22222222222?',
    'prod/../staging',
    'prod:admin',
    '222222222222/lambda_sts',
    'prod*',
    'prоd',
    'ｐｒｏｄ',
    'staging\u0000',
    '2.22222222222e11',
    '-22222222222',
    '0x33BE27A38E',
  ),
  // Alias-shaped but not an alias: it must begin with an ASCII letter and be at most 64 characters.
  brokenFrom(fc.stringMatching(/^[0-9_.-][A-Za-z0-9_.-]{0,10}$/).filter((text) => !/^\d{12}$/.test(text))),
  longerThan(64, 'p'),
);

const brokenRoleName = fc.oneof(
  notAString,
  brokenConstants(
    '',
    'lambda_sts/../admin',
    '*',
    'x:role/admin',
    'role/lambda_sts',
    'arn:aws:iam::222222222222:role/admin',
    '../admin',
    'admin*',
  ),
  padded('lambda_sts'),
  withForeignChar('lambda_sts'),
  longerThan(64, 'r'),
);

const brokenSessionName = fc.oneof(
  notAString,
  brokenFrom(fc.stringMatching(/^[\w+=,.@-]?$/)),
  brokenConstants('ビルド', 'build 42', 'build/42', 'aws:build', 'aws\u0000build'),
  padded('build-42'),
  withForeignChar('build-42'),
  longerThan(64, 's'),
);

const brokenDuration = fc.oneof(
  brokenConstants('3600', '900', ' 3600', '３６００', '0x384', '1e3', '3600s', true, false, null, [3600], {
    seconds: 3600,
  }),
  brokenFrom(fc.integer({ min: 900, max: 3600 }).map(String)),
  brokenFrom(fc.double({ min: 900, max: 3600, noInteger: true, noNaN: true })),
  brokenFrom(fc.oneof(fc.integer({ min: -(2 ** 31), max: 899 }), fc.integer({ min: 3601, max: 2 ** 31 }))),
  brokenConstants(1e21, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE, 1800.5),
  fc.constantFrom(
    broken(1e30, '1000000000000000000000000000000'),
    broken(Number.POSITIVE_INFINITY, '1e400'),
    broken(Number.NEGATIVE_INFINITY, '-1e400'),
    broken(-0, '-0'),
    broken(36_000_000_000_000_000_000, '36000000000000000000000'),
  ),
);

const isJsonObjectText = (text: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
};

const brokenPolicy = fc.oneof(
  notAString,
  brokenConstants(
    '',
    'allow everything',
    '[]',
    '"x"',
    '1',
    'null',
    'true',
    '{"a":',
    '{',
    "{'Version':'2012-10-17'}",
    '{"a":1}{"b":2}',
    { Version: '2012-10-17', Statement: [] },
  ),
  brokenFrom(fc.string({ maxLength: 40 }).filter((text) => !isJsonObjectText(text))),
  fc.integer({ min: 2049 - 8, max: 3000 }).map((n) => broken(JSON.stringify({ a: 'x'.repeat(n) }))),
);

const brokenArn = fc.oneof(
  fc.constantFrom(
    'arn:aws:iam::aws:role/Admin',
    'arn:aws:iam::12345:policy/x',
    'arn:aws:s3:::bucket',
    '*',
    '',
    'arn:aws:iam::aws:policy/',
    'arn:aws:iam::aws:policy/Read Only',
    'arn:aws:iam::２２２２２２２２２２２２:policy/x',
    'arn:aws:iam::aws:policy/ReadOnlyAccess\n',
    'ARN:AWS:IAM::AWS:POLICY/X',
    'arn:aws-cn:iam::aws:policy/x/',
    `arn:aws:iam::aws:policy/${'p'.repeat(129)}`,
  ),
  fc.constantFrom<unknown>(1, null, ['arn:aws:iam::aws:policy/ReadOnlyAccess'], {
    arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  }),
);

const brokenPolicyArns = fc.oneof(
  brokenFrom(
    fc.oneof(
      validPolicyArn,
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.dictionary(fc.string({ maxLength: 5 }), validPolicyArn, { maxKeys: 2 }),
    ),
  ),
  brokenFrom(fc.array(validPolicyArn, { minLength: 11, maxLength: 30 })),
  fc.tuple(fc.array(validPolicyArn, { maxLength: 9 }), brokenArn, fc.nat()).map(([arns, bad, at]) => {
    const list: unknown[] = [...arns];
    list.splice(at % (arns.length + 1), 0, bad);
    return broken(list);
  }),
);

const withoutKey = (proof: IdentityProof, key: keyof IdentityProof): Record<string, unknown> =>
  Object.fromEntries(Object.entries(proof).filter(([name]) => name !== key));

const brokenIdentity = fc.oneof(
  brokenFrom(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
    ),
  ),
  fc
    .tuple(proofArb(), fc.constantFrom<keyof IdentityProof>('url', 'headers', 'body'))
    .map(([proof, key]) => broken(withoutKey(proof, key))),
  fc
    .tuple(
      proofArb(),
      fc.constantFrom('method', 'Url', 'signature', '__proto__'),
      fc.jsonValue({ maxDepth: 1 }),
    )
    .map(([proof, key, value]) => {
      const extended: Record<string, unknown> = { ...proof };
      Object.defineProperty(extended, key, { value, enumerable: true, writable: true, configurable: true });
      return broken(extended);
    }),
  fc
    .tuple(
      proofArb(),
      fc.oneof(
        fc.constant<unknown>(42),
        fc.integer({ min: 2049, max: 3000 }).map((n) => `https://sts.amazonaws.com/${'a'.repeat(n)}`),
      ),
    )
    .map(([proof, url]) => broken({ ...proof, url })),
  fc
    .tuple(
      proofArb(),
      fc.oneof(
        fc.constant<unknown>(null),
        fc.integer({ min: 257, max: 1000 }).map((n) => 'b'.repeat(n)),
      ),
    )
    .map(([proof, body]) => broken({ ...proof, body })),
  fc
    .tuple(
      proofArb(),
      fc.oneof(
        fc.constantFrom<unknown>(null, 'authorization: x', ['authorization'], 7),
        fc
          .constantFrom('x amz', 'x_amz', '', 'x-amz-date\n', 'Ünicode', 'h'.repeat(65), 'host:evil')
          .map((name) => ({ [name]: 'v' })),
        fc.constant({ authorization: 1 }),
        fc.integer({ min: 4097, max: 5000 }).map((n) => ({ authorization: 'a'.repeat(n) })),
        fc
          .integer({ min: 21, max: 30 })
          .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h-${i}`, 'v']))),
      ),
    )
    .map(([proof, headers]) => broken({ ...proof, headers })),
);

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'RoleArn',
  'roleArn',
  'AccountId',
  'accountid',
  'account_id',
  'accountId ',
  ' accountId',
  'ACCOUNTID',
  'ExternalId',
  'SourceIdentity',
  'Tags',
  'TransitiveTagKeys',
  'SerialNumber',
  'TokenCode',
  'version',
  'rawPath',
  'requestContext',
];
const extraKey = fc.oneof(
  fc.constantFrom(...EXTRA_KEYS),
  fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !SCHEMA_KEYS.has(key)),
  fc.constant('k'.repeat(MAX_REQUEST_BYTES + 1)),
);
const extraValue = fc.oneof(
  brokenFrom(fc.jsonValue({ maxDepth: 3 })),
  brokenConstants(
    { roleName: 'OrganizationAccountAccessRole' },
    { prototype: { admin: true } },
    { accountId: '333333333333' },
  ),
);

/** Nested arrays and objects, shallow enough to serialise, and deep enough that serialising fails. */
const nestedArrays = (depth: number): Broken => {
  let value: unknown = [];
  for (let i = 1; i < depth; i += 1) value = [value];
  return broken(value, `${'['.repeat(depth)}${']'.repeat(depth)}`);
};
const nestedObjects = (depth: number): Broken => {
  let value: unknown = {};
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return broken(value, `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`);
};
const DEEP_VALUES = [nestedArrays(64), nestedArrays(2_000), nestedObjects(64), nestedObjects(2_000)];
// Past the stack: each such case costs milliseconds, so it is drawn less often.
const TOO_DEEP = [nestedArrays(50_000), nestedObjects(50_000)];
const deepValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...DEEP_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom(...TOO_DEEP) },
);

/** Which field is broken, and how. `identity` is broken on invoke only: on the URL it must be absent. */
interface Mutation {
  readonly field: string;
  readonly broken: Broken;
}
const weighted = (weight: number, arbitrary: fc.Arbitrary<Mutation>) => ({ weight, arbitrary });
const fieldMutations = [
  weighted(
    2,
    brokenAccountId.map((b) => ({ field: 'accountId', broken: b })),
  ),
  weighted(
    2,
    brokenRoleName.map((b) => ({ field: 'roleName', broken: b })),
  ),
  weighted(
    2,
    brokenSessionName.map((b) => ({ field: 'sessionName', broken: b })),
  ),
  weighted(
    2,
    brokenDuration.map((b) => ({ field: 'durationSeconds', broken: b })),
  ),
  weighted(
    2,
    brokenPolicy.map((b) => ({ field: 'policy', broken: b })),
  ),
  weighted(
    2,
    brokenPolicyArns.map((b) => ({ field: 'policyArns', broken: b })),
  ),
  weighted(
    2,
    fc.tuple(extraKey, extraValue).map(([field, b]) => ({ field, broken: b })),
  ),
  weighted(
    1,
    fc
      .tuple(fc.constantFrom(...SCHEMA_KEYS, '__proto__', 'extra'), deepValue)
      .map(([field, b]) => ({ field, broken: b })),
  ),
];

/** Values that JSON cannot carry, which only a direct invoke from JavaScript could hand over. */
const jsOnlyValue = fc.constantFrom<unknown>(
  Number.NaN,
  10n,
  3600n,
  Symbol('field'),
  () => 3600,
  new Date(0),
  new Map([['accountId', ACCOUNT]]),
  new Set([ACCOUNT]),
  new Uint8Array([1, 2]),
  Object.create(null),
  Object('222222222222'),
  Object(3600),
);
const invokeMutation = fc.oneof(
  ...fieldMutations,
  weighted(
    2,
    brokenIdentity.map((b) => ({ field: 'identity', broken: b })),
  ),
  weighted(
    1,
    fc
      .tuple(fc.constantFrom(...SCHEMA_KEYS), jsOnlyValue)
      .map(([field, value]) => ({ field, broken: { value, text: 'null' } })),
  ),
);
const urlMutation = fc.oneof(
  ...fieldMutations,
  // The Function URL's caller is its signer: a proof there, even a good one, is a mistake.
  weighted(
    1,
    proofArb().map((proof) => ({ field: 'identity', broken: broken(proof) })),
  ),
);

/** The request's own fields, with the broken one in its place (or added), as own properties. */
const entriesWith = (request: object, mutation: Mutation): [string, Broken][] => {
  const entries: [string, Broken][] = Object.entries(request).map(([key, value]) => [key, broken(value)]);
  const at = entries.findIndex(([key]) => key === mutation.field);
  if (at >= 0) entries[at] = [mutation.field, mutation.broken];
  else entries.push([mutation.field, mutation.broken]);
  return entries;
};
const objectOf = (entries: [string, Broken][]): Record<string, unknown> => {
  const target: Record<string, unknown> = {};
  for (const [key, { value }] of entries) {
    // defineProperty, as JSON.parse does, so that `__proto__` is an own key and not the prototype.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
};
const jsonTextOf = (entries: [string, Broken][]): string =>
  `{${entries.map(([key, { text }]) => `${JSON.stringify(key)}:${text}`).join(',')}}`;

// ---------------------------------------------------------------------------------------------
// Function URL events, shaped as Lambda sends them with AWS_IAM auth.

interface UrlEventParts {
  readonly method?: unknown;
  readonly path?: unknown;
  readonly body?: unknown;
  readonly base64?: unknown;
  readonly userArn?: unknown;
  readonly iamAccountId?: unknown;
  readonly authorizer?: unknown;
  readonly headers?: unknown;
}
const urlEvent = (parts: UrlEventParts = {}): Record<string, unknown> => {
  const has = (key: keyof UrlEventParts) => Object.hasOwn(parts, key);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: has('path') ? parts.path : '/v1/credentials',
    rawQueryString: '',
    headers: has('headers') ? parts.headers : { 'content-type': 'application/json' },
    isBase64Encoded: has('base64') ? parts.base64 : false,
    body: has('body') ? parts.body : `{"accountId":"prod"}`,
    requestContext: {
      accountId: '111111111111',
      apiId: 'fuzz',
      domainName: 'fuzz.lambda-url.us-west-2.on.aws',
      domainPrefix: 'fuzz',
      http: {
        method: has('method') ? parts.method : 'POST',
        path: '/v1/credentials',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'fuzz',
      },
      requestId: 'fuzz',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: has('authorizer')
        ? parts.authorizer
        : {
            iam: {
              accessKey: 'AKIAFUZZ',
              accountId: has('iamAccountId') ? parts.iamAccountId : '111111111111',
              callerId: 'AIDAFUZZ',
              cognitoIdentity: null,
              principalOrgId: 'o-fuzz',
              userArn: has('userArn') ? parts.userArn : ALICE,
              userId: 'AIDAFUZZ',
            },
          },
    },
  };
};

const base64Of = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const anythingDeep = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/** Could this value be a contract request at all? Raw values almost never are; those that might are only held to the contract. */
const mightBeARequest = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, 'accountId');

// ---------------------------------------------------------------------------------------------

describe(`the broker handler under fuzzing (seed ${SEED}, ${PLANNED} cases; STSCREDS_FUZZ_SEED, STSCREDS_FUZZ_RUNS)`, () => {
  beforeAll(() => {
    console.log(
      `handler fuzzing: seed ${SEED}, ${PLANNED} cases (set STSCREDS_FUZZ_SEED / STSCREDS_FUZZ_RUNS to change)`,
    );
  });

  describe('direct invoke', () => {
    it('refuses a near-valid request with one field broken as a ValidationError, before any STS call or proof verification', async () => {
      await check(
        'invokeBroken',
        fc.tuple(validInvokeRequest, invokeMutation),
        async ([request, mutation]) => {
          const { answer, ...cost } = await run(objectOf(entriesWith(request, mutation)));
          expect(contractAnswer(answer).outcome).toBe('ValidationError');
          refusedForFree(cost);
        },
      );
    }, 60_000);

    it('issues to alice, and denies bob, a refused proof or a missing one, exactly as the policy says', async () => {
      const caller = fc.constantFrom('ALICE', 'BOB', 'REFUSED', 'NONE');
      await check(
        'invokeControl',
        fc.tuple(
          validInvokeRequest,
          caller,
          fc.constantFrom('lambda_sts', 'deploy', 'admin', undefined),
          fc.constantFrom(...Object.keys(ALLOWED_ACCOUNTS), '444444444444'),
        ),
        async ([base, who, roleName, accountId]) => {
          const { identity, ...rest } = base;
          const request = {
            ...rest,
            accountId,
            ...(roleName && { roleName }),
            ...(who === 'BOB' && {
              identity: { ...identity, headers: { ...identity.headers, authorization: 'Credential=BOB/x' } },
            }),
            ...(who === 'REFUSED' && { identity: { ...identity, body: 'Action=GetSessionToken' } }),
            ...(who === 'ALICE' && { identity }),
          };
          const expected: Outcome =
            who === 'ALICE' && roleName !== 'admin' && Object.hasOwn(ALLOWED_ACCOUNTS, accountId)
              ? 'issued'
              : 'AccessDenied';
          const { answer, assumed, verified } = await run(request);
          const { outcome, body } = contractAnswer(answer);
          expect(outcome).toBe(expected);
          // A proof seen before may come from the broker's proof cache: at most one verification.
          expect(verified).toBeLessThanOrEqual(who === 'NONE' ? 0 : 1);
          if (expected === 'issued') {
            expect(credentialResponseSchema.parse(body).AccountId).toBe(ALLOWED_ACCOUNTS[accountId]);
            expect(assumed).toBeLessThanOrEqual(1);
          } else {
            expect(assumed).toBe(0);
          }
        },
      );
    }, 60_000);

    it('answers any JSON value with a contract answer, and refuses the ones that are no request for free', async () => {
      await check('invokeJson', fc.jsonValue(), async (value) => {
        const { answer, ...cost } = await run(value);
        const { outcome } = contractAnswer(answer);
        if (!mightBeARequest(value)) {
          expect(outcome).toBe('ValidationError');
          refusedForFree(cost);
        }
      });
    }, 60_000);

    it('answers any JavaScript value (BigInt, Map, typed arrays, null prototypes…) without throwing', async () => {
      await check('invokeAnything', anythingDeep, async (value) => {
        const { answer, ...cost } = await run(value);
        const { outcome } = contractAnswer(answer);
        if (!mightBeARequest(value)) {
          expect(outcome).toBe('ValidationError');
          refusedForFree(cost);
        }
      });
    }, 60_000);

    it('refuses an alias the access policy does not define before it spends an STS call on the proof', async () => {
      const unknownAlias = fc
        .stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/)
        .filter((alias) => !Object.hasOwn(ALLOWED_ACCOUNTS, alias));
      await check('unknownAlias', fc.tuple(validInvokeRequest, unknownAlias), async ([request, alias]) => {
        const { answer, ...cost } = await run({ ...request, accountId: alias });
        expect(contractAnswer(answer).outcome).toBe('ValidationError');
        // The contract promises that a ValidationError cost no STS call; verifying the proof is one.
        refusedForFree(cost);
      });
    }, 60_000);
  });

  describe('Function URL', () => {
    it('answers a near-valid body with one field broken 400, before any STS call', async () => {
      await check(
        'urlBroken',
        fc.tuple(validUrlRequest, urlMutation, fc.boolean()),
        async ([request, mutation, base64]) => {
          const text = jsonTextOf(entriesWith(request, mutation));
          const { answer, ...cost } = await run(urlEvent({ body: base64 ? base64Of(text) : text, base64 }));
          const { status, outcome } = urlAnswer(answer);
          expect(status).toBe(400);
          expect(outcome).toBe('ValidationError');
          refusedForFree(cost);
        },
      );
    }, 60_000);

    it('answers arbitrary bodies, methods and paths with 400, 404 or 405, before any STS call', async () => {
      const body = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.base64String({ maxLength: 200 }),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
        fc.constantFrom(undefined, '', OVERSIZED, '{"accountId":"prod"'),
      );
      const method = fc.oneof(
        { weight: 3, arbitrary: fc.constant('POST') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'post', 'POST '),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
      );
      const path = fc.oneof(
        { weight: 3, arbitrary: fc.constant('/v1/credentials') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '/v1/credentials/',
            '/V1/credentials',
            '/',
            '',
            '/v1/../v1/credentials',
            '/v1/credentials%00',
          ),
        },
        { weight: 1, arbitrary: fc.webPath() },
      );
      await check(
        'urlRaw',
        fc.tuple(body, fc.boolean(), method, path),
        async ([raw, base64, verb, route]) => {
          const { answer, ...cost } = await run(urlEvent({ method: verb, path: route, base64, body: raw }));
          const { status, outcome } = urlAnswer(answer);
          const text = base64 ? Buffer.from(raw ?? '', 'base64').toString('utf8') : (raw ?? '');
          const parsed = (() => {
            try {
              return { value: JSON.parse(text) as unknown };
            } catch {
              return undefined;
            }
          })();
          const expected =
            route !== '/v1/credentials'
              ? 404
              : verb !== 'POST'
                ? 405
                : parsed && mightBeARequest(parsed.value)
                  ? undefined
                  : 400;
          if (expected !== undefined) {
            expect(status).toBe(expected);
            expect(outcome).toBe('ValidationError');
            refusedForFree(cost);
          }
        },
      );
    }, 60_000);

    it('issues to the AWS_IAM signer alice, and 403s other signers and unsigned requests', async () => {
      const signer = fc.constantFrom<string | null>(
        ALICE,
        BOB,
        'arn:aws:sts::111111111111:assumed-role/ci/alice',
        null,
      );
      await check(
        'urlControl',
        fc.tuple(validUrlRequest, signer, fc.boolean()),
        async ([request, userArn, base64]) => {
          const text = JSON.stringify(request);
          const { answer, assumed, verified } = await run(
            urlEvent({ body: base64 ? base64Of(text) : text, base64, userArn: userArn ?? '' }),
          );
          const { status, outcome, body } = urlAnswer(answer);
          expect(verified).toBe(0);
          if (userArn === ALICE) {
            expect(status).toBe(200);
            expect(credentialResponseSchema.parse(body).AccountId).toBe(ALLOWED_ACCOUNTS[request.accountId]);
            expect(assumed).toBeLessThanOrEqual(1);
          } else {
            expect(status).toBe(403);
            expect(outcome).toBe('AccessDenied');
            expect(assumed).toBe(0);
          }
        },
      );
    }, 60_000);

    it('answers a forged Function URL event (direct invoke) with a malformed method, path, body, flag or headers as a client mistake', async () => {
      const part = fc.oneof(
        fc.record({ method: anythingDeep.filter((value) => value !== 'POST') }),
        fc.record({ path: fc.string().filter((value) => value !== '/v1/credentials') }),
        fc.record({ body: anythingDeep.filter((value) => typeof value !== 'string') }),
        fc.record({ base64: anythingDeep }),
        fc.record({ headers: anythingDeep }),
      );
      await check('urlShape', part, async (parts) => {
        const { answer, assumed, verified } = await run(urlEvent(parts));
        const { status, body } = urlAnswer(answer);
        expect(verified).toBe(0);
        if (status === 200) {
          // Only a part the broker ignores (headers, or a falsy base64 flag) leaves alice's request intact.
          const harmless = 'headers' in parts || ('base64' in parts && !parts.base64);
          expect(harmless, `issued for ${JSON.stringify(Object.keys(parts))}`).toBe(true);
          expect(credentialResponseSchema.parse(body).AccountId).toBe(ACCOUNT);
          expect(assumed).toBeLessThanOrEqual(1);
        } else {
          expect(assumed).toBe(0);
        }
      });
    }, 60_000);

    it('answers a forged Function URL event with a malformed authorizer 400 or 403, and issues nothing', async () => {
      const part = fc.oneof(
        fc.record({ authorizer: anythingDeep }),
        fc.record({
          iamAccountId: fc.oneof(anythingDeep, fc.constantFrom<unknown>(111111111111, ['111111111111'])),
        }),
        fc.record({
          userArn: fc.oneof(
            anythingDeep,
            fc.constantFrom<unknown>(
              [ALICE],
              { arn: ALICE },
              `${ALICE}\n`,
              ` ${ALICE}`,
              ALICE.toUpperCase(),
              `${ALICE}/../admin`,
              'arn:aws:iam::*:user/alice',
              '*',
            ),
          ),
        }),
      );
      await check('urlAuthorizer', part, async (parts) => {
        const { answer, assumed, verified } = await run(urlEvent(parts));
        const { status } = urlAnswer(answer);
        expect([400, 403]).toContain(status);
        expect(assumed).toBe(0);
        expect(verified).toBe(0);
      });
    }, 60_000);
  });

  it('shares at least 20,000 cases among the properties by default', () => {
    // Rounding each share may lose half a case per property, and no more.
    expect(PLANNED).toBeGreaterThanOrEqual(Math.min(20_000, TOTAL_RUNS) - Object.keys(WEIGHTS).length / 2);
  });
});
