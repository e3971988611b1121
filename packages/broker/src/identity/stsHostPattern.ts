/** The AWS partitions whose STS can verify a proof. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

/** Each partition's STS hosts: regional, FIPS and (in `aws` only) global. */
const HOSTS: Readonly<Record<Partition, string>> = {
  aws: 'sts(?:\\.(?!cn-|us-gov-)[a-z]{2}(?:-[a-z]+)+-\\d|-fips\\.(?!cn-|us-gov-)[a-z]{2}(?:-[a-z]+)+-\\d)?\\.amazonaws\\.com',
  'aws-us-gov': 'sts(?:-fips)?\\.us-gov-[a-z]+-\\d\\.amazonaws\\.com',
  'aws-cn': 'sts\\.cn-[a-z]+-\\d\\.amazonaws\\.com\\.cn',
};

/**
 * A pattern that matches exactly the genuine STS host names of the given partitions, such
 * as `sts.us-west-2.amazonaws.com` for `aws` or `sts.cn-north-1.amazonaws.com.cn` for
 * `aws-cn`. A proof verified by another partition's STS would vouch for principals the
 * broker's partition does not know.
 *
 * @example
 * stsHostPattern(['aws']).test('sts.cn-north-1.amazonaws.com.cn'); // false
 */
export function stsHostPattern(partitions: readonly Partition[]): RegExp {
  return new RegExp(`^(?:${partitions.map((partition) => HOSTS[partition]).join('|')})$`);
}
