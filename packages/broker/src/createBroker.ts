import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { STSClient } from '@aws-sdk/client-sts';
import type { BrokerResponse, IdentityProof } from '@stscreds/contract';
import { redactKeyId } from '@stscreds/contract';
import { assumeRole } from './assumeRole.ts';
import { attributeSession } from './attribution/attributeSession.ts';
import { type AuditEvent, PROOF_RULE_ID, recordAudit } from './audit/recordAudit.ts';
import { describeError } from './describeError.ts';
import { AccessDeniedError, BrokerError, InternalError, ValidationError } from './errors.ts';
import type { Caller } from './identity/caller.ts';
import { verifyIdentityProof } from './identity/verifyIdentityProof.ts';
import { authorize } from './policy/authorize.ts';
import type { AccessPolicyLoader } from './policy/loadAccessPolicy.ts';
import type { AccessPolicy } from './policy/parseAccessPolicy.ts';
import type { BrokerConfig } from './readBrokerConfig.ts';
import { toCredentialResponse } from './toCredentialResponse.ts';
import { toErrorResponse } from './toErrorResponse.ts';
import { validateRequest } from './validateRequest.ts';

export interface BrokerDependencies {
  readonly config: BrokerConfig;
  readonly sts: STSClient;
  readonly logger: Logger;
  readonly loadPolicy: AccessPolicyLoader;
  /** CloudWatch metrics in EMF; none are written without it. */
  readonly metrics?: Metrics;
  /** How identity proofs are verified. Default: {@link verifyIdentityProof} against STS. */
  readonly verifyProof?: (proof: IdentityProof) => Promise<Caller>;
}

/** How the request reached the broker, and what that entry already proved about the caller. */
export type RequestOrigin =
  | { readonly kind: 'invoke' }
  | { readonly kind: 'function-url'; readonly caller?: Caller };

/** The broker's steps for one request: validate, identify, authorize, assume, respond. */
export type Broker = (payload: unknown, origin: RequestOrigin, requestId: string) => Promise<BrokerResponse>;

/** Policies already announced as open to unverified callers; each is announced once, loudly. */
const announced = new WeakSet<AccessPolicy>();

const policyOrFailClosed = async (
  load: AccessPolicyLoader,
  logger: Logger,
  requestId: string,
): Promise<AccessPolicy> => {
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
};

const logFailure = (logger: Logger, error: BrokerError, requestId: string): void => {
  if (error.code === 'ValidationError') {
    logger.info('request refused', { requestId, code: error.code, reason: error.message });
  } else if (error.code === 'UpstreamError' || error.code === 'InternalError') {
    logger.error('request failed', {
      requestId,
      code: error.code,
      reason: error.message,
      cause: describeError(error.cause),
    });
  }
};

/**
 * Builds the broker's request pipeline. Every step is its own module; this only orders them,
 * keeps the audit trail and turns every failure into a contract error.
 *
 * @example
 * const broker = createBroker({ config, sts, logger, loadPolicy: loadAccessPolicy(config.policySource) });
 * const answer = await broker({ accountId: 'prod', identity }, { kind: 'invoke' }, requestId);
 */
export function createBroker(deps: BrokerDependencies): Broker {
  const { config, sts, logger, metrics } = deps;
  const verify =
    deps.verifyProof ??
    ((proof: IdentityProof) =>
      verifyIdentityProof(proof, { audience: config.audience, extraStsOrigins: config.extraStsOrigins }));

  return async (payload, origin, requestId) => {
    const started = performance.now();
    let audit: Omit<AuditEvent, 'latencyMs' | 'outcome'> | undefined;
    let stsLatencyMs: number | undefined;
    try {
      const request = validateRequest(payload);
      if (origin.kind === 'function-url' && request.identity) {
        throw new ValidationError(
          'Invalid request. identity: not used on the Function URL, whose caller is the request signer',
        );
      }
      audit = { requestId };
      let caller: Caller | undefined;
      try {
        caller =
          origin.kind === 'function-url'
            ? origin.caller
            : request.identity && (await verify(request.identity));
      } catch (error) {
        if (error instanceof AccessDeniedError)
          audit = { ...audit, ruleId: PROOF_RULE_ID, reason: error.message };
        throw error;
      }
      audit = {
        ...audit,
        ...(caller && {
          callerArn: caller.arn,
          callerAccount: caller.accountId,
          verifiedBy: caller.verifiedBy,
        }),
      };
      const policy = await policyOrFailClosed(deps.loadPolicy, logger, requestId);
      const roleName = request.roleName ?? config.defaultRoleName;
      const decision = authorize(policy, caller, {
        account: request.accountId,
        roleName,
        durationSeconds: request.durationSeconds,
        policyArns: request.policyArns,
      });
      const targetRoleArn = `arn:${config.partition}:iam::${decision.accountId}:role/${roleName}`;
      audit = { ...audit, targetRoleArn, ruleId: decision.ruleId };
      if (decision.effect === 'deny') {
        audit = { ...audit, reason: decision.reason };
        throw new AccessDeniedError(`Access denied: ${decision.reason} (${decision.ruleId})`);
      }
      const session = attributeSession(caller, request.sessionName, requestId);
      audit = { ...audit, sessionName: session.sessionName, durationSeconds: decision.durationSeconds };
      const stsStarted = performance.now();
      const issued = await assumeRole(sts, {
        partition: config.partition,
        accountId: decision.accountId,
        roleName,
        sessionName: session.sessionName,
        durationSeconds: decision.durationSeconds,
        policy: request.policy,
        policyArns: decision.policyArns,
        sourceIdentity: session.sourceIdentity,
        tags: session.tags,
      }).finally(() => {
        stsLatencyMs = performance.now() - stsStarted;
      });
      recordAudit(logger, metrics, {
        ...audit,
        outcome: 'issued',
        latencyMs: performance.now() - started,
        ...(stsLatencyMs !== undefined && { stsLatencyMs }),
      });
      logger.debug('credentials issued', { requestId, accessKeyId: redactKeyId(issued.accessKeyId) });
      return toCredentialResponse(issued);
    } catch (thrown) {
      const failure =
        thrown instanceof BrokerError
          ? thrown
          : new InternalError('The broker failed unexpectedly', { cause: thrown });
      logFailure(logger, failure, requestId);
      if (audit) {
        recordAudit(logger, metrics, {
          ...audit,
          outcome: failure.code === 'AccessDenied' ? 'denied' : 'failed',
          code: failure.code,
          reason: audit.reason ?? failure.message,
          latencyMs: performance.now() - started,
          ...(stsLatencyMs !== undefined && { stsLatencyMs }),
        });
      }
      return toErrorResponse(failure, requestId);
    }
  };
}
