/** Where a partition signs people in to the console, and where its console lives. */
export interface ConsoleEndpoints {
  /** The federation endpoint: `https://signin.aws.amazon.com/federation` in the aws partition. */
  readonly federation: string;
  /** The console's domain, such as `console.aws.amazon.com`. */
  readonly consoleDomain: string;
}

const BY_PARTITION: Record<string, ConsoleEndpoints> = {
  aws: { federation: 'https://signin.aws.amazon.com/federation', consoleDomain: 'console.aws.amazon.com' },
  'aws-cn': { federation: 'https://signin.amazonaws.cn/federation', consoleDomain: 'console.amazonaws.cn' },
  'aws-us-gov': {
    federation: 'https://signin.amazonaws-us-gov.com/federation',
    consoleDomain: 'console.amazonaws-us-gov.com',
  },
};

const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/**
 * The sign-in and console endpoints of the partition a region is in.
 *
 * @example
 * consoleEndpoints('us-west-2').federation; // 'https://signin.aws.amazon.com/federation'
 * consoleEndpoints('cn-north-1').consoleDomain; // 'console.amazonaws.cn'
 */
export function consoleEndpoints(region: string): ConsoleEndpoints {
  return BY_PARTITION[partitionOf(region)] as ConsoleEndpoints;
}
