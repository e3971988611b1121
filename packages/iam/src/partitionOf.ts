/**
 * The ARN partition of a region.
 *
 * @example
 * partitionOf('cn-north-1'); // 'aws-cn'
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
