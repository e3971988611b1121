import { configuredEndpoint } from './configuredEndpoint.ts';

export interface ResolveStsEndpointOptions {
  readonly region: string;
  /** The shared-config profile; `AWS_PROFILE` or `default` otherwise. */
  readonly profile?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

const regionalEndpoint = (region: string): string =>
  `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/**
 * The STS endpoint the caller's SDK would use: a configured one (see {@link configuredEndpoint}),
 * else the regional endpoint. Identity proofs are signed for it, so that they verify where the
 * broker sends them.
 *
 * @example
 * await resolveStsEndpoint({ region: 'us-west-2' }); // 'https://sts.us-west-2.amazonaws.com'
 */
export async function resolveStsEndpoint(options: ResolveStsEndpointOptions): Promise<string> {
  return (await configuredEndpoint('sts', options)) ?? regionalEndpoint(options.region);
}
