/** What a GetCallerIdentity answer says, read strictly. */
export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

const MAX_ANSWER_CHARS = 64 * 1024;

/**
 * The one shape of a GetCallerIdentity answer: an optional XML declaration, the
 * `GetCallerIdentityResponse` root in the STS namespace, one result of three elements in any
 * order, and the response metadata. Values may hold no markup and no entity.
 */
const ANSWER = new RegExp(
  [
    '^(?:<\\?xml[^?<>]*\\?>)?\\s*',
    '<GetCallerIdentityResponse xmlns="https://sts\\.amazonaws\\.com/doc/2011-06-15/">\\s*',
    '<GetCallerIdentityResult>\\s*',
    '((?:<(?:Arn|UserId|Account)>[^<>&]*</(?:Arn|UserId|Account)>\\s*){3})',
    '</GetCallerIdentityResult>\\s*',
    '(?:<ResponseMetadata>\\s*<RequestId>[^<>&]*</RequestId>\\s*</ResponseMetadata>\\s*)?',
    '</GetCallerIdentityResponse>\\s*$',
  ].join(''),
);
const FIELD = /<(Arn|UserId|Account)>([^<>&]*)<\/(Arn|UserId|Account)>/g;

/**
 * Reads a GetCallerIdentity answer strictly: it must be exactly the document STS sends, with
 * exactly one `Arn`, `Account` and `UserId`; anything else is undefined. Rather than parse
 * any XML and then look for an identity in it, it accepts only that one shape, so that a
 * reflected or look-alike document cannot pass for an identity.
 *
 * @example
 * parseCallerIdentity(xml); // { arn: 'arn:aws:iam::111111111111:user/alice', account: '111111111111', userId: 'AIDA…' }
 */
export function parseCallerIdentity(xml: string): CallerIdentity | undefined {
  if (xml.length > MAX_ANSWER_CHARS) return undefined;
  const fields = ANSWER.exec(xml)?.[1];
  if (fields === undefined) return undefined;
  const found = new Map<string, string>();
  for (const [, open, value, close] of fields.matchAll(FIELD)) {
    if (open !== close || open === undefined || value === undefined || found.has(open)) return undefined;
    found.set(open, value.trim());
  }
  const arn = found.get('Arn');
  const account = found.get('Account');
  const userId = found.get('UserId');
  if (!arn || !account || !userId || !/^[0-9]{12}$/.test(account)) return undefined;
  return { arn, account, userId };
}
