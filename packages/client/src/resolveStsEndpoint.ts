import { loadSharedConfigFiles } from '@smithy/core/config';

export interface ResolveStsEndpointOptions {
  readonly region: string;
  /** The shared-config profile; `AWS_PROFILE` or `default` otherwise. */
  readonly profile?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

const regionalEndpoint = (region: string): string =>
  `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/**
 * The STS endpoint the caller's SDK would use, resolved the SDK's way: `AWS_ENDPOINT_URL_STS`,
 * `AWS_ENDPOINT_URL`, the profile's `services` section or `endpoint_url`, else the regional
 * endpoint. Identity proofs are signed for it, so that they verify where the broker sends them.
 *
 * @example
 * await resolveStsEndpoint({ region: 'us-west-2' }); // 'https://sts.us-west-2.amazonaws.com'
 */
export async function resolveStsEndpoint(options: ResolveStsEndpointOptions): Promise<string> {
  const env = options.env ?? process.env;
  const fallback = regionalEndpoint(options.region);
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return fallback;
  const fromEnv = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const { configFile } = await loadSharedConfigFiles();
  const profile = configFile[options.profile ?? env.AWS_PROFILE ?? 'default'];
  const services = profile?.services ? configFile[`services.${profile.services}`] : undefined;
  return services?.['sts.endpoint_url'] ?? profile?.endpoint_url ?? fallback;
}
