import { toCaller } from '../identity/caller.ts';

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov']);
/** The resource types of caller ARNs, by service, and how many `/` their resources hold (at least, at most). */
const RESOURCES: Record<string, Record<string, readonly [number, number]>> = {
  iam: { user: [1, Number.POSITIVE_INFINITY], role: [1, 1], root: [0, 0] },
  sts: { 'assumed-role': [2, 2], 'federated-user': [1, 1] },
};
/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, and no caller's resource holds a `:`. */
const CALLER_ARN_COLONS = 5;

const count = (text: string, char: string): number => text.split(char).length - 1;
const isWild = (text: string): boolean => /[*?]/.test(text);

const fieldProblem = (partition = '', service = '', region = '', account = ''): string | undefined => {
  if (!isWild(partition) && !PARTITIONS.has(partition))
    return `names the partition "${partition}", which holds no caller: aws, aws-cn or aws-us-gov`;
  if (!isWild(service) && !Object.hasOwn(RESOURCES, service))
    return `names the service "${service}": a caller ARN is an iam or an sts ARN`;
  if (region.replace(/\*/g, '') !== '') return 'names a region, which caller ARNs never hold';
  const digits = account.replace(/\*/g, '');
  if (/[^0-9?]/.test(digits) || digits.length > 12 || (!account.includes('*') && digits.length !== 12))
    return `names the account "${account}", which is not 12 digits`;
  return undefined;
};

const resourceProblem = (pattern: string, service: string, resource: string): string | undefined => {
  const type = /^([\w-]+)(?:\/|$)/.exec(resource)?.[1];
  // A wildcard before the type ends leaves the type open.
  if (type === undefined || isWild(type) || isWild(service)) return undefined;
  const bounds = RESOURCES[service]?.[type];
  if (!bounds) {
    const other = service === 'iam' ? 'sts' : 'iam';
    return RESOURCES[other]?.[type]
      ? `a caller's ${type} ARN is an ${other} ARN: write arn:…:${other}::…:${type}…`
      : `names "${type}", which is not a kind of caller: user, role, root, assumed-role or federated-user`;
  }
  const slashes = count(resource, '/');
  if (slashes > bounds[1]) {
    if (type === 'role')
      return `STS reports a role session without the role's path: write ${pattern.replace(/:role\/.*\//i, ':role/')}`;
    return type === 'assumed-role'
      ? 'an assumed-role ARN is assumed-role/ROLE/SESSION, without the role path'
      : `a ${type} ARN holds at most ${bounds[1]} "/"`;
  }
  if (isWild(resource)) return undefined;
  if (slashes < bounds[0]) {
    return type === 'assumed-role'
      ? `an assumed-role ARN names its session: write ${pattern}/* for every session of the role`
      : `a ${type} ARN is ${type}/NAME`;
  }
  return undefined;
};

/**
 * Why a caller pattern of the access policy can never match a caller, or undefined when it
 * can. A pattern is matched against a caller's ARN as reported
 * (`arn:aws:sts::…:assumed-role/ROLE/SESSION`) and, for a role session, against its role
 * (`arn:aws:iam::…:role/ROLE`), in any case. A pattern no caller can match would make its rule
 * void in silence: a deny that denies nothing. A caller ARN holds exactly five `:`, so in a
 * pattern that holds five, each field can be judged alone; in one that holds fewer, a `*`
 * may span fields, and only the fields before it are judged.
 *
 * @example
 * callerPatternProblem('arn:aws:iam::111111111111:role/team/ci');
 * // "STS reports a role session without the role's path: write arn:aws:iam::111111111111:role/ci"
 */
export function callerPatternProblem(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const text = pattern.toLowerCase();
  const colons = count(text, ':');
  if (colons > CALLER_ARN_COLONS) return 'holds more ":" than a caller ARN';
  if (colons < CALLER_ARN_COLONS) {
    if (!isWild(text)) return 'is not an ARN that STS reports for a caller';
    const fixed = text.slice(0, text.search(/[*?]/)).split(':').slice(1, -1);
    const [partition, service, region, account] = fixed;
    const known = (value: string | undefined): string => value ?? '*';
    return fieldProblem(known(partition), known(service), known(region), known(account));
  }
  const [, partition, service = '', region, account, resource = ''] = text.split(':');
  const problem =
    fieldProblem(partition, service, region, account) ?? resourceProblem(pattern, service, resource);
  if (problem || isWild(text)) return problem;
  const type = /^[\w-]+/.exec(resource)?.[0];
  // A role is matched as the role of a session; every other literal pattern must be a caller ARN.
  if (type !== 'role' && !toCaller(text, account ?? '', 'identity-proof'))
    return 'is not an ARN that STS reports for a caller';
  return undefined;
}
