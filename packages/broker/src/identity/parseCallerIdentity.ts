import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** What a GetCallerIdentity answer says, read strictly. */
export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Every element is a list, so that a second <Arn> shows up instead of replacing the first.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
});

type Node = Record<string, unknown>;

const only = (parent: Node, name: string): Node | string | undefined => {
  const list = parent[name];
  return Array.isArray(list) && list.length === 1 ? (list[0] as Node | string) : undefined;
};

const text = (parent: Node, name: string): string | undefined => {
  const value = only(parent, name);
  if (typeof value === 'string') return value;
  // An element with no attributes and text parses as { '#text': … }.
  if (
    value &&
    typeof value === 'object' &&
    Object.keys(value).length === 1 &&
    typeof value['#text'] === 'string'
  ) {
    return value['#text'];
  }
  return undefined;
};

/**
 * Reads a GetCallerIdentity answer strictly: one `GetCallerIdentityResponse` root in the STS
 * namespace, one result, and exactly one `Arn`, `Account` and `UserId`. Anything else is
 * undefined. A reflected or look-alike document must not pass for an identity.
 *
 * @example
 * parseCallerIdentity(xml); // { arn: 'arn:aws:iam::111111111111:user/alice', account: '111111111111', userId: 'AIDA…' }
 */
export function parseCallerIdentity(xml: string): CallerIdentity | undefined {
  if (xml.length > 64 * 1024 || XMLValidator.validate(xml) !== true) return undefined;
  let document: Node;
  try {
    document = parser.parse(xml) as Node;
  } catch {
    return undefined;
  }
  const roots = Object.keys(document).filter((key) => !key.startsWith('?'));
  if (roots.length !== 1 || roots[0] !== 'GetCallerIdentityResponse') return undefined;
  const response = only(document, 'GetCallerIdentityResponse');
  if (!response || typeof response !== 'object' || response['@xmlns'] !== STS_NAMESPACE) return undefined;
  const result = only(response, 'GetCallerIdentityResult');
  if (!result || typeof result !== 'object') return undefined;
  const arn = text(result, 'Arn');
  const account = text(result, 'Account');
  const userId = text(result, 'UserId');
  if (!arn || !account || !userId || !/^[0-9]{12}$/.test(account)) return undefined;
  return { arn, account, userId };
}
