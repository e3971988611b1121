import { getProfileName, parseKnownFiles } from '@smithy/core/config';
import type { AwsCredentialIdentity } from '@smithy/types';

type Profile = Record<string, string | undefined>;

const optional = (value: unknown): boolean => value === undefined || typeof value === 'string';

/** The SDK's test for a profile of static keys (`isStaticCredsProfile`), less any profile that names a role. */
const staticKeysOf = (profile: Profile | undefined): AwsCredentialIdentity | undefined => {
  if (!profile || profile.role_arn !== undefined) return undefined;
  const { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey } = profile;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') return undefined;
  if (!optional(profile.aws_session_token) || !optional(profile.aws_account_id)) return undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(profile.aws_session_token && { sessionToken: profile.aws_session_token }),
  };
};

/**
 * The caller's credentials, when the AWS SDK's credential chain would end at static keys:
 * the environment's (without a profile) or a profile's keys in the shared files, read with
 * the SDK's own parser. For anything else (a role to assume, SSO, a credential process, a
 * container or instance role) it answers `undefined`, and the SDK resolves the chain. A
 * cached credential is then found without loading the SDK's credential providers.
 *
 * @example
 * const caller = (await staticCallerCredentials('alice')) ?? (await requester.callerCredentials());
 */
export async function staticCallerCredentials(
  profile: string | undefined,
): Promise<AwsCredentialIdentity | undefined> {
  const env = process.env;
  // As fromNodeProviderChain: without a profile, the environment's keys come first.
  if (!profile && !env.AWS_PROFILE && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
    };
  }
  try {
    const profiles = (await parseKnownFiles({ profile })) as Record<string, Profile>;
    return staticKeysOf(profiles[getProfileName({ profile })]);
  } catch {
    return undefined;
  }
}
