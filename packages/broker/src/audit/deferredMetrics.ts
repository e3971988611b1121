import type { Metrics } from '@aws-lambda-powertools/metrics';

type Metric = Parameters<Metrics['addMetric']>;

/** The part of Powertools Metrics that the broker uses. */
export interface MetricsSink {
  addMetric(...metric: Metric): unknown;
  publishStoredMetrics(): unknown;
}

/** Batches kept while the metrics module cannot be loaded; older ones are dropped. */
const MAX_PENDING_BATCHES = 100;

/**
 * Metrics whose module is loaded when the first batch is published, not at cold start:
 * Powertools Metrics and its share of Powertools' common code are then off the cold path.
 * Batches published before it has loaded are kept, in order, and published once it has.
 *
 * @example
 * const metrics = deferredMetrics(async () => {
 *   const { Metrics } = await import('@aws-lambda-powertools/metrics');
 *   return new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
 * }, (error) => logger.warn('metrics unavailable', { error }));
 */
export function deferredMetrics(
  load: () => Promise<MetricsSink>,
  onLoadError: (error: unknown) => void,
): MetricsSink {
  let sink: MetricsSink | undefined;
  let loading = false;
  let current: Metric[] = [];
  const pending: Metric[][] = [];
  const publishPending = (to: MetricsSink): void => {
    for (const batch of pending.splice(0)) {
      for (const metric of batch) to.addMetric(...metric);
      to.publishStoredMetrics();
    }
  };
  return {
    addMetric: (...metric: Metric) => {
      if (sink) sink.addMetric(...metric);
      else current.push(metric);
    },
    publishStoredMetrics: () => {
      if (sink) {
        sink.publishStoredMetrics();
        return;
      }
      pending.push(current);
      current = [];
      if (pending.length > MAX_PENDING_BATCHES) pending.shift();
      if (loading) return;
      loading = true;
      load().then(
        (loaded) => {
          sink = loaded;
          publishPending(loaded);
        },
        (error: unknown) => {
          loading = false;
          onLoadError(error);
        },
      );
    },
  };
}
