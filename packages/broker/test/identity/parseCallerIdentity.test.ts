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

  it.each([
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
});
