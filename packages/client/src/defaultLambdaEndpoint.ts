import { loadSharedConfigFiles } from '@smithy/core/config';

export interface DefaultLambdaEndpointOptions {
  readonly region: string;
  /** The shared-config profile; `AWS_PROFILE` or `default` otherwise. */
  readonly profile?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

const yes = (value: string | undefined): boolean => /^true$/i.test(value ?? '');

/** Regions of the partitions whose Lambda endpoint is `lambda.<region>.amazonaws.com` (`.cn` in China). */
const COMMERCIAL = /^(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/;
const CHINA = /^cn-[a-z]+-\d+$/;
const GOVCLOUD = /^us-gov-[a-z]+-\d+$/;

/**
 * Lambda's regional endpoint, as the SDK resolves it when no endpoint is configured: for the
 * commercial, China and GovCloud partitions, unless FIPS or dual-stack endpoints are asked for
 * (`AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, or the profile's `use_fips_endpoint`,
 * `use_dualstack_endpoint`). For those, and for any other partition, it answers `undefined`,
 * and the SDK's own Lambda client resolves the endpoint from its rules.
 *
 * @example
 * await defaultLambdaEndpoint({ region: 'us-west-2' }); // 'https://lambda.us-west-2.amazonaws.com'
 */
export async function defaultLambdaEndpoint(
  options: DefaultLambdaEndpointOptions,
): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const { region } = options;
  if (!COMMERCIAL.test(region) && !CHINA.test(region) && !GOVCLOUD.test(region)) return undefined;
  if (yes(env.AWS_USE_FIPS_ENDPOINT) || yes(env.AWS_USE_DUALSTACK_ENDPOINT)) return undefined;
  if (env.AWS_USE_FIPS_ENDPOINT === undefined || env.AWS_USE_DUALSTACK_ENDPOINT === undefined) {
    const { configFile } = await loadSharedConfigFiles({
      ...(env.AWS_CONFIG_FILE && { configFilepath: env.AWS_CONFIG_FILE }),
      ...(env.AWS_SHARED_CREDENTIALS_FILE && { filepath: env.AWS_SHARED_CREDENTIALS_FILE }),
    });
    const profile = configFile[options.profile ?? env.AWS_PROFILE ?? 'default'];
    const fips = env.AWS_USE_FIPS_ENDPOINT ?? profile?.use_fips_endpoint;
    const dualStack = env.AWS_USE_DUALSTACK_ENDPOINT ?? profile?.use_dualstack_endpoint;
    if (yes(fips) || yes(dualStack)) return undefined;
  }
  return `https://lambda.${region}.amazonaws.com${CHINA.test(region) ? '.cn' : ''}`;
}
