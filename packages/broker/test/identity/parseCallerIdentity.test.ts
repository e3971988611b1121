import { describe, expect, it } from 'vitest';
import { parseCallerIdentity } from '../../src/identity/parseCallerIdentity.ts';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const result = (inner: string, root = 'GetCallerIdentityResponse', ns = NS) =>
  `<${root} xmlns="${ns}"><GetCallerIdentityResult>${inner}</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${root}>`;
const FIELDS =
  '<Arn>arn:aws:iam::111111111111:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account>';

describe('parseCallerIdentity', () => {
  it('reads a genuine answer, with or without an XML declaration', () => {
    const expected = {
      arn: 'arn:aws:iam::111111111111:user/alice',
      account: '111111111111',
      userId: 'AIDAEXAMPLE',
    };
    expect(parseCallerIdentity(result(FIELDS))).toEqual(expected);
    expect(parseCallerIdentity(`<?xml version="1.0" encoding="UTF-8"?>\n${result(FIELDS)}`)).toEqual(
      expected,
    );
  });

  it('reads the answer as STS prints it, indented over several lines', () => {
    const printed = `<GetCallerIdentityResponse xmlns="${NS}">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111111111111:assumed-role/ci/build-42</Arn>
    <UserId>AROAEXAMPLE:build-42</UserId>
    <Account>111111111111</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
    expect(parseCallerIdentity(printed)).toEqual({
      arn: 'arn:aws:sts::111111111111:assumed-role/ci/build-42',
      account: '111111111111',
      userId: 'AROAEXAMPLE:build-42',
    });
  });

  it.each([
    ['an entity in a value', result(FIELDS.replace('user/alice', 'user/al&amp;ice'))],
    ['mismatched tags', result(FIELDS.replace('</UserId>', '</Arn>'))],
    ['a comment', result(`${FIELDS}<!-- x -->`)],
    ['CDATA', result(FIELDS.replace('AIDAEXAMPLE', '<![CDATA[AIDA]]>'))],
    ['an extra element', result(`${FIELDS}<Extra>x</Extra>`)],
    ['attributes on a field', result(FIELDS.replace('<Arn>', '<Arn a="b">'))],
    ['another root', result(FIELDS, 'AssumeRoleResponse')],
    ['another namespace', result(FIELDS, 'GetCallerIdentityResponse', 'https://evil.example/')],
    ['no namespace', result(FIELDS).replace(` xmlns="${NS}"`, '')],
    ['a second Arn', result(`${FIELDS}<Arn>arn:aws:iam::222222222222:user/root</Arn>`)],
    ['a missing Account', result('<Arn>arn:aws:iam::111111111111:user/alice</Arn><UserId>A</UserId>')],
    [
      'a nested Arn',
      result(
        '<Arn><Arn>arn:aws:iam::111111111111:user/a</Arn></Arn><UserId>A</UserId><Account>111111111111</Account>',
      ),
    ],
    [
      'a second result',
      result(FIELDS).replace(
        '</GetCallerIdentityResult>',
        `</GetCallerIdentityResult><GetCallerIdentityResult>${FIELDS}</GetCallerIdentityResult>`,
      ),
    ],
    [
      'a non-numeric account',
      result(FIELDS.replace('<Account>111111111111</Account>', '<Account>me</Account>')),
    ],
    ['two roots', `${result(FIELDS)}${result(FIELDS)}`],
    ['malformed XML', result(FIELDS).slice(0, -5)],
    ['an error document', '<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>'],
    ['JSON', '{"Arn":"arn:aws:iam::111111111111:user/alice"}'],
    [
      'reflected XML inside another answer',
      `<ListUsersResponse xmlns="${NS}"><Note>${result(FIELDS).replace(/</g, '&lt;')}</Note></ListUsersResponse>`,
    ],
    ['an empty string', ''],
  ])('refuses %s', (_, xml) => {
    expect(parseCallerIdentity(xml)).toBeUndefined();
  });

  it.each([
    ['text before the declaration', `x<?xml version="1.0"?>${result(FIELDS)}`],
    ['text before the root', `x${result(FIELDS)}`],
    ['text after the root', `${result(FIELDS)}x`],
    ['a declaration holding markup', `<?xml version="1.0" <x>?>${result(FIELDS)}`],
    ['an empty Arn', result(FIELDS.replace('arn:aws:iam::111111111111:user/alice', ''))],
    ['an empty UserId', result(FIELDS.replace('AIDAEXAMPLE', ''))],
    ['a blank Arn', result(FIELDS.replace('arn:aws:iam::111111111111:user/alice', '   '))],
    ['an 11-digit account', result(FIELDS.replace('<Account>111111111111', '<Account>11111111111'))],
    ['a 13-digit account', result(FIELDS.replace('<Account>111111111111', '<Account>1111111111111'))],
    [
      'an account with a letter before it',
      result(FIELDS.replace('<Account>111111111111', '<Account>a111111111111')),
    ],
    [
      'an account with a letter after it',
      result(FIELDS.replace('<Account>111111111111', '<Account>111111111111a')),
    ],
    ['only two fields and a repeat', result('<Arn>a</Arn><Arn>b</Arn><Account>111111111111</Account>')],
    [
      'a field out of the result',
      result(FIELDS).replace('<ResponseMetadata>', '<Arn>x</Arn><ResponseMetadata>'),
    ],
    ['metadata without its request id', result(FIELDS).replace('<RequestId>r</RequestId>', '')],
    ['markup in the request id', result(FIELDS).replace('<RequestId>r', '<RequestId>r&amp;')],
    ['a lower-case root', result(FIELDS, 'getcalleridentityresponse')],
    [
      'a namespace over http',
      result(FIELDS, 'GetCallerIdentityResponse', 'http://sts.amazonaws.com/doc/2011-06-15/'),
    ],
  ])('refuses %s', (_, xml) => {
    expect(parseCallerIdentity(xml)).toBeUndefined();
  });

  it('trims the space around values, and reads the fields in any order', () => {
    const spaced = result(
      '<Account> 111111111111 </Account><UserId>\nAIDA\n</UserId><Arn> arn:aws:iam::111111111111:user/a </Arn>',
    );
    expect(parseCallerIdentity(spaced)).toEqual({
      arn: 'arn:aws:iam::111111111111:user/a',
      account: '111111111111',
      userId: 'AIDA',
    });
  });

  it('reads an answer of exactly 64 KiB, and refuses one character more', () => {
    const genuine = result(FIELDS);
    const padded = (size: number) => `${genuine}${' '.repeat(size - genuine.length)}`;
    expect(parseCallerIdentity(padded(64 * 1024))).toMatchObject({ account: '111111111111' });
    expect(parseCallerIdentity(padded(64 * 1024 + 1))).toBeUndefined();
  });
});
