import type { Logger } from '@aws-lambda-powertools/logger';
import type { ErrorCode } from '@stscreds/contract';
import type { MetricsSink } from './deferredMetrics.ts';

/** One decision of the broker, as the audit trail keeps it. */
export interface AuditEvent {
  readonly requestId: string;
  readonly outcome: 'issued' | 'denied' | 'failed';
  readonly code?: ErrorCode;
  readonly callerArn?: string;
  readonly callerAccount?: string;
  readonly verifiedBy?: string;
  readonly targetRoleArn?: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  /** The access-policy rule that decided, or `identity-proof` when the proof was refused. */
  readonly ruleId?: string;
  readonly reason?: string;
  /** Whether the credentials came from the broker's cache, from STS, or stood in for STS. */
  readonly cache?: 'hit' | 'miss' | 'stale';
  readonly latencyMs: number;
  readonly stsLatencyMs?: number;
}

export const PROOF_RULE_ID = 'identity-proof';

/**
 * Writes the audit event of one decision and counts it in the broker's metrics.
 *
 * @example
 * recordAudit(logger, metrics, { requestId, outcome: 'denied', ruleId: 'default-deny', latencyMs: 3 });
 */
export function recordAudit(
  logger: Logger,
  metrics: MetricsSink | undefined,
  event: AuditEvent,
  /** Entries the caches evicted since the last event: a sign that they are too small. */
  cacheEvictions = 0,
): void {
  logger.info('audit', { audit: event });
  if (!metrics) return;
  const count = (name: string, value = 1): void => {
    metrics.addMetric(name, 'Count', value);
  };
  if (event.outcome === 'issued') count('CredentialsIssued');
  if (event.outcome === 'denied') count(event.ruleId === PROOF_RULE_ID ? 'ProofRejected' : 'RequestsDenied');
  if (event.code === 'UpstreamError' || event.code === 'Throttled') count('UpstreamErrors');
  if (event.stsLatencyMs !== undefined) metrics.addMetric('StsLatency', 'Milliseconds', event.stsLatencyMs);
  if (event.cache === 'hit') count('CacheHits');
  if (event.cache === 'miss') count('CacheMisses');
  if (event.cache === 'stale') count('CacheStaleServed');
  if (cacheEvictions > 0) count('CacheEvictions', cacheEvictions);
  metrics.publishStoredMetrics();
}
