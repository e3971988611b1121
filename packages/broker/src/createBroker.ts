import type { Logger } from '@aws-lambda-powertools/logger';
import type { STSClient } from '@aws-sdk/client-sts';
import type { BrokerResponse } from '@stscreds/contract';
import { redactKeyId } from '@stscreds/contract';
import type { AssumeRoleInput } from './assumeRole.ts';
import { attributeSession } from './attribution/attributeSession.ts';
import { auditEventOf, type RequestEnding, type RequestFacts } from './audit/auditEventOf.ts';
import type { MetricsSink } from './audit/deferredMetrics.ts';
import { recordAudit } from './audit/recordAudit.ts';
import { type BrokerCaches, createBrokerCaches } from './cache/createBrokerCaches.ts';
import { credentialCacheKey } from './cache/credentialCacheKey.ts';
import { AccessDeniedError, BrokerError, InternalError, ProofRefusedError } from './errors.ts';
import type { ProofVerifier } from './identity/proofBinding.ts';
import { proofRetryStrategy } from './identity/proofRetryStrategy.ts';
import { type ProofSender, proofSender } from './identity/proofSender.ts';
import { verifyIdentityProof } from './identity/verifyIdentityProof.ts';
import { verifyOnce } from './identity/verifyOnce.ts';
import { admitRequest } from './pipeline/admitRequest.ts';
import { identifyCaller } from './pipeline/identifyCaller.ts';
import { issueCredentials } from './pipeline/issueCredentials.ts';
import { logFailure } from './pipeline/logFailure.ts';
import type { RequestOrigin } from './pipeline/requestOrigin.ts';
import { authorize } from './policy/authorize.ts';
import type { AccessPolicyLoader } from './policy/loadAccessPolicy.ts';
import { policyOrFailClosed } from './policy/policyOrFailClosed.ts';
import { resolveAccount } from './policy/resolveAccount.ts';
import { revocationEpoch } from './policy/revocationEpoch.ts';
import type { BrokerConfig } from './readBrokerConfig.ts';
import { toCredentialResponse } from './toCredentialResponse.ts';
import { toErrorResponse } from './toErrorResponse.ts';

export type { BrokerCaches } from './cache/createBrokerCaches.ts';
export type { RequestOrigin } from './pipeline/requestOrigin.ts';

export interface BrokerDependencies {
  readonly config: BrokerConfig;
  readonly sts: STSClient;
  readonly logger: Logger;
  readonly loadPolicy: AccessPolicyLoader;
  /** CloudWatch metrics in EMF; none are written without it. */
  readonly metrics?: MetricsSink;
  /** How identity proofs are verified. Default: {@link verifyIdentityProof} against STS. */
  readonly verifyProof?: ProofVerifier;
  /** The clock, in epoch milliseconds; injectable so a simulation can run a virtual day. */
  readonly now?: () => number;
}

/**
 * The verifier of a broker of Function URL requests, whose callers Lambda names: it has no
 * audience, so it accepts no proof. The handler gives such a broker URL requests only.
 */
const refuseProofs: ProofVerifier = async () => {
  throw new ProofRefusedError(
    'Identity proof refused: this broker takes Function URL requests, whose signer is the caller',
  );
};

/**
 * The broker's steps for one request: validate, identify, authorize, cache or assume,
 * respond. `deadlineMs` is how long the request may still take, such as Lambda's remaining time.
 */
export type Broker = ((
  payload: unknown,
  origin: RequestOrigin,
  requestId: string,
  deadlineMs?: number,
) => Promise<BrokerResponse>) & { readonly caches: BrokerCaches };

/**
 * Builds the broker's request pipeline. Every step is its own module; this only orders them,
 * keeps what each step learned for the audit trail, and turns every failure into a contract
 * error.
 *
 * @example
 * const broker = createBroker({ config, sts, logger, loadPolicy: loadAccessPolicy(config.policySource) });
 * const answer = await broker({ accountId: 'prod', identity }, { kind: 'invoke' }, requestId);
 */
export function createBroker(deps: BrokerDependencies): Broker {
  const { config, sts, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const caches = createBrokerCaches({ ...config.cache, now });
  // Through the STS client's own HTTP handler: a proof and the AssumeRole after it share its
  // connections to STS.
  const send: ProofSender = (request, abortSignal) =>
    proofSender(sts.config.requestHandler)(request, abortSignal);
  // One for all of this broker's requests: they share its retry quota.
  const retryStrategy = proofRetryStrategy();
  const verifyBySts =
    (audience: string): ProofVerifier =>
    (proof, binding) =>
      verifyIdentityProof(proof, {
        ...binding,
        audience,
        partitions: config.proofPartitions,
        extraStsOrigins: config.extraStsOrigins,
        send,
        retryStrategy,
        now: () => new Date(now()),
      });
  const verify = verifyOnce(
    caches.proofs,
    deps.verifyProof ?? (config.entry === 'invoke' ? verifyBySts(config.audience) : refuseProofs),
  );

  const broker = async (payload: unknown, origin: RequestOrigin, requestId: string, deadlineMs?: number) => {
    const started = performance.now();
    // What is left of the deadline when a step starts: the steps before it took their share.
    const remainingMs = () =>
      deadlineMs === undefined ? undefined : deadlineMs - (performance.now() - started);
    // Undefined until the request names a known account: only decisions are audited.
    let facts: RequestFacts | undefined;
    const audit = (ending: RequestEnding): void => {
      if (!facts) return;
      const event = auditEventOf(facts, ending, performance.now() - started);
      recordAudit(logger, metrics, event, caches.evictionsSinceLastCall());
    };
    try {
      const request = admitRequest(payload, origin);
      const policy = await policyOrFailClosed(deps.loadPolicy, logger, requestId);
      // An unknown alias is the caller's mistake: say so before spending an STS call on the proof.
      resolveAccount(policy, request.accountId);
      facts = { requestId };

      const caller = await identifyCaller(origin, request, verify, remainingMs());
      facts = { ...facts, caller };

      const roleName = request.roleName ?? config.defaultRoleName;
      const decision = authorize(
        policy,
        caller,
        {
          account: request.accountId,
          roleName,
          durationSeconds: request.durationSeconds,
          policy: request.policy,
          policyArns: request.policyArns,
        },
        { brokerAccountId: config.accountId },
      );
      const targetRoleArn = `arn:${config.partition}:iam::${decision.accountId}:role/${roleName}`;
      facts = { ...facts, decision, targetRoleArn };
      if (decision.effect === 'deny') {
        throw new AccessDeniedError(`Access denied: ${decision.reason} (${decision.ruleId})`);
      }

      const session = attributeSession(caller, request.sessionName, requestId);
      facts = { ...facts, session };

      const input: AssumeRoleInput = {
        partition: config.partition,
        accountId: decision.accountId,
        roleName,
        sessionName: session.sessionName,
        durationSeconds: decision.durationSeconds,
        policy: decision.policy,
        policyArns: decision.policyArns,
        sourceIdentity: session.sourceIdentity,
        tags: session.tags,
      };
      const { issued, outcome } = await issueCredentials(input, {
        sts,
        cache: caches.credentials,
        key: credentialCacheKey(caller, input, revocationEpoch(policy, caller, decision.accountId)),
        deadlineMs: remainingMs(),
        onStsCall: (stsLatencyMs) => {
          facts = { ...(facts ?? { requestId }), stsLatencyMs };
        },
      });

      audit({ outcome: 'issued', cache: outcome });
      logger.debug('credentials issued', { requestId, accessKeyId: redactKeyId(issued.accessKeyId) });
      return toCredentialResponse(issued);
    } catch (thrown) {
      const failure =
        thrown instanceof BrokerError
          ? thrown
          : new InternalError('The broker failed unexpectedly', { cause: thrown });
      logFailure(logger, failure, requestId);
      audit({ outcome: 'refused', failure });
      return toErrorResponse(failure, requestId);
    }
  };
  return Object.assign(broker, { caches });
}
