import type { Logger } from '@aws-lambda-powertools/logger';
import { describeError } from '../describeError.ts';
import { InternalError } from '../errors.ts';
import type { AccessPolicyLoader } from './loadAccessPolicy.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';

/** Policies already announced as open to unverified callers; each is announced once, loudly. */
const announced = new WeakSet<AccessPolicy>();

/**
 * The access policy in force, or an InternalError when it cannot be read: a broker that
 * cannot read its policy issues nothing. A policy open to unverified callers is announced
 * at WARN the first time it is used.
 *
 * @throws {InternalError} when the policy cannot be loaded; the cause is logged, not answered.
 * @example
 * const policy = await policyOrFailClosed(loadAccessPolicy(config.policySource), logger, requestId);
 */
export async function policyOrFailClosed(
  load: AccessPolicyLoader,
  logger: Logger,
  requestId: string,
): Promise<AccessPolicy> {
  try {
    const policy = await load();
    if (policy.allowUnverifiedCallers && !announced.has(policy)) {
      announced.add(policy);
      logger.warn(
        'ACCESS POLICY ALLOWS UNVERIFIED CALLERS: anyone who may invoke this function may get what its "*" rules allow',
        { requestId },
      );
    }
    return policy;
  } catch (error) {
    logger.error('access policy unavailable: every request fails closed until it is fixed', {
      requestId,
      cause: describeError(error),
      problems: (error as { problems?: unknown }).problems,
    });
    throw new InternalError('The broker cannot read its access policy');
  }
}
