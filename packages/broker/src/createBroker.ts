import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { STSClient } from '@aws-sdk/client-sts';
import type { BrokerResponse, IdentityProof } from '@stscreds/contract';
import { redactKeyId } from '@stscreds/contract';
import type { IssuedCredentials } from './assumeRole.ts';
import { assumeRole } from './assumeRole.ts';
import { attributeSession } from './attribution/attributeSession.ts';
import { type AuditEvent, PROOF_RULE_ID, recordAudit } from './audit/recordAudit.ts';
import { type CacheOutcome, createExpiringCache, type ExpiringCache } from './cache/createExpiringCache.ts';
import { proofCacheKey } from './cache/proofCacheKey.ts';
import { describeError } from './describeError.ts';
import {
  AccessDeniedError,
  BrokerError,
  InternalError,
  ThrottledError,
  UpstreamError,
  ValidationError,
} from './errors.ts';
import type { Caller } from './identity/caller.ts';
import { PROOF_MAX_SKEW_MS } from './identity/reconstructProof.ts';
import { verifyIdentityProof } from './identity/verifyIdentityProof.ts';
import { authorize } from './policy/authorize.ts';
import type { AccessPolicyLoader } from './policy/loadAccessPolicy.ts';
import type { AccessPolicy } from './policy/parseAccessPolicy.ts';
import { resolveAccount } from './policy/resolveAccount.ts';
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
  /** The clock, in epoch milliseconds; injectable so a simulation can run a virtual day. */
  readonly now?: () => number;
}

/** A verified caller, good until its proof could no longer be presented. */
interface VerifiedProof {
  readonly caller: Caller;
  readonly expiresAt: number;
}

/** The broker's caches, exposed for its metrics and benchmarks. */
export interface BrokerCaches {
  readonly credentials: ExpiringCache<IssuedCredentials>;
  readonly proofs: ExpiringCache<VerifiedProof>;
}

/** How the request reached the broker, and what that entry already proved about the caller. */
export type RequestOrigin =
  | { readonly kind: 'invoke' }
  | { readonly kind: 'function-url'; readonly caller?: Caller };

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

/** Room kept between the deadline and the STS calls, to answer with a clean error in time. */
const DEADLINE_MARGIN_MS = 500;

/** STS being down or throttling is no reason to withhold credentials that are still valid. */
const stsUnavailable = (error: unknown): boolean =>
  error instanceof UpstreamError || error instanceof ThrottledError;

const hashOf = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : createHash('sha256').update(text).digest('hex');

const signedAt = (proof: IdentityProof): number => {
  const date = Object.entries(proof.headers).find(([name]) => name.toLowerCase() === 'x-amz-date')?.[1] ?? '';
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  return parts
    ? Date.UTC(
        +(parts[1] ?? 0),
        +(parts[2] ?? 1) - 1,
        +(parts[3] ?? 0),
        +(parts[4] ?? 0),
        +(parts[5] ?? 0),
        +(parts[6] ?? 0),
      )
    : 0;
};

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
  const now = deps.now ?? Date.now;
  const verify =
    deps.verifyProof ??
    ((proof: IdentityProof) =>
      verifyIdentityProof(proof, {
        audience: config.audience,
        extraStsOrigins: config.extraStsOrigins,
        now: () => new Date(now()),
      }));
  const caches: BrokerCaches = {
    credentials: createExpiringCache<IssuedCredentials>({
      max: config.cache.maxEntries,
      minRemainingMs: config.cache.minRemainingMs,
      expiresAt: (issued) => issued.expiration.getTime(),
      serveStaleOn: stsUnavailable,
      now,
    }),
    // A client's retries resend the same signed proof; verifying it once saves an STS call each.
    proofs: createExpiringCache<VerifiedProof>({
      max: config.cache.maxEntries,
      minRemainingMs: 0,
      expiresAt: (verified) => verified.expiresAt,
      now,
    }),
  };
  let evictionsReported = 0;
  const evictionsSinceLastReport = (): number => {
    const total = caches.credentials.stats().evictions + caches.proofs.stats().evictions;
    const since = total - evictionsReported;
    evictionsReported = total;
    return since;
  };
  const identify = async (proof: IdentityProof): Promise<Caller> =>
    (
      await caches.proofs.get(proofCacheKey(proof), async () => ({
        caller: await verify(proof),
        expiresAt: signedAt(proof) + PROOF_MAX_SKEW_MS,
      }))
    ).value.caller;

  const broker = async (payload: unknown, origin: RequestOrigin, requestId: string, deadlineMs?: number) => {
    const started = performance.now();
    let audit: Omit<AuditEvent, 'latencyMs' | 'outcome'> | undefined;
    let stsLatencyMs: number | undefined;
    let cacheOutcome: CacheOutcome | undefined;
    try {
      const request = validateRequest(payload);
      if (origin.kind === 'function-url' && request.identity) {
        throw new ValidationError(
          'Invalid request. identity: not used on the Function URL, whose caller is the request signer',
        );
      }
      const policy = await policyOrFailClosed(deps.loadPolicy, logger, requestId);
      // An unknown alias is the caller's mistake: say so before spending an STS call on the proof.
      resolveAccount(policy, request.accountId);
      audit = { requestId };
      let caller: Caller | undefined;
      try {
        caller =
          origin.kind === 'function-url'
            ? origin.caller
            : request.identity && (await identify(request.identity));
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
      const input = {
        partition: config.partition,
        accountId: decision.accountId,
        roleName,
        sessionName: session.sessionName,
        durationSeconds: decision.durationSeconds,
        policy: request.policy,
        policyArns: decision.policyArns,
        sourceIdentity: session.sourceIdentity,
        tags: session.tags,
      };
      const key = JSON.stringify([
        caller?.arn ?? null,
        input.accountId,
        roleName,
        input.sessionName,
        input.durationSeconds,
        hashOf(input.policy),
        input.policyArns,
      ]);
      const { value: issued, outcome } = await caches.credentials.get(key, async () => {
        const stsStarted = performance.now();
        // Only a miss calls STS, so only a miss needs a deadline (and its timer).
        const abortSignal =
          deadlineMs === undefined
            ? undefined
            : AbortSignal.timeout(Math.max(1, deadlineMs - DEADLINE_MARGIN_MS));
        try {
          return await assumeRole(sts, input, abortSignal);
        } finally {
          stsLatencyMs = performance.now() - stsStarted;
        }
      });
      cacheOutcome = outcome;
      recordAudit(
        logger,
        metrics,
        {
          ...audit,
          outcome: 'issued',
          cache: outcome,
          latencyMs: performance.now() - started,
          ...(stsLatencyMs !== undefined && { stsLatencyMs }),
        },
        evictionsSinceLastReport(),
      );
      logger.debug('credentials issued', { requestId, accessKeyId: redactKeyId(issued.accessKeyId) });
      return toCredentialResponse(issued);
    } catch (thrown) {
      const failure =
        thrown instanceof BrokerError
          ? thrown
          : new InternalError('The broker failed unexpectedly', { cause: thrown });
      logFailure(logger, failure, requestId);
      if (audit) {
        recordAudit(
          logger,
          metrics,
          {
            ...audit,
            outcome: failure.code === 'AccessDenied' ? 'denied' : 'failed',
            ...(cacheOutcome && { cache: cacheOutcome }),
            code: failure.code,
            reason: audit.reason ?? failure.message,
            latencyMs: performance.now() - started,
            ...(stsLatencyMs !== undefined && { stsLatencyMs }),
          },
          evictionsSinceLastReport(),
        );
      }
      return toErrorResponse(failure, requestId);
    }
  };
  return Object.assign(broker, { caches });
}
