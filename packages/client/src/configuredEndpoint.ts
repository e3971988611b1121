import { loadSharedConfigFiles } from '@smithy/core/config';

export interface ConfiguredEndpointOptions {
  /** The shared-config profile; `AWS_PROFILE` or `default` otherwise. */
  readonly profile?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The endpoint configured for a service the SDK's way: `AWS_ENDPOINT_URL_<SERVICE>`,
 * `AWS_ENDPOINT_URL`, the profile's `services` section, or its `endpoint_url`; undefined when
 * none is, or `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is set. Unlike the SDK's own lookup, it
 * reads the profile it is given, not only `AWS_PROFILE`.
 *
 * @example
 * await configuredEndpoint('lambda', { profile: 'alice' }); // 'http://127.0.0.1:…' in the local organization
 */
export async function configuredEndpoint(
  service: 'sts' | 'lambda',
  options: ConfiguredEndpointOptions = {},
): Promise<string | undefined> {
  const env = options.env ?? process.env;
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  const fromEnv = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const { configFile } = await loadSharedConfigFiles();
  const profile = configFile[options.profile ?? env.AWS_PROFILE ?? 'default'];
  const services = profile?.services ? configFile[`services.${profile.services}`] : undefined;
  return services?.[`${service}.endpoint_url`] ?? profile?.endpoint_url;
}
