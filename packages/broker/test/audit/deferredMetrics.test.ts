import { describe, expect, it } from 'vitest';
import { deferredMetrics, type MetricsSink } from '../../src/audit/deferredMetrics.ts';

/** A sink that records what reaches it, batch by batch. */
const recordingSink = () => {
  const published: string[][] = [];
  let current: string[] = [];
  const sink: MetricsSink = {
    addMetric: (name, unit, value) => {
      current.push(`${name} ${unit} ${value}`);
    },
    publishStoredMetrics: () => {
      published.push(current);
      current = [];
    },
  };
  return { sink, published };
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('deferredMetrics', () => {
  it('loads nothing until a batch is published, then publishes every batch in order, once', async () => {
    const { sink, published } = recordingSink();
    let loads = 0;
    const metrics = deferredMetrics(
      async () => {
        loads += 1;
        return sink;
      },
      () => undefined,
    );
    metrics.addMetric('CacheHits', 'Count', 1);
    expect(loads).toBe(0);
    metrics.publishStoredMetrics();
    metrics.addMetric('CacheMisses', 'Count', 2);
    metrics.publishStoredMetrics();
    expect(published).toEqual([]);
    await settle();
    expect(loads).toBe(1);
    expect(published).toEqual([['CacheHits Count 1'], ['CacheMisses Count 2']]);
    metrics.addMetric('StsLatency', 'Milliseconds', 12);
    metrics.publishStoredMetrics();
    expect(published).toEqual([
      ['CacheHits Count 1'],
      ['CacheMisses Count 2'],
      ['StsLatency Milliseconds 12'],
    ]);
    expect(loads).toBe(1);
  });

  it('keeps its batches through a failed load, says so, and publishes them once a load succeeds', async () => {
    const { sink, published } = recordingSink();
    const errors: unknown[] = [];
    let attempts = 0;
    const metrics = deferredMetrics(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('not there');
        return sink;
      },
      (error) => errors.push(error),
    );
    metrics.addMetric('CredentialsIssued', 'Count', 1);
    metrics.publishStoredMetrics();
    await settle();
    expect(errors).toHaveLength(1);
    expect(published).toEqual([]);
    metrics.addMetric('CredentialsIssued', 'Count', 1);
    metrics.publishStoredMetrics();
    await settle();
    expect(attempts).toBe(2);
    expect(published).toEqual([['CredentialsIssued Count 1'], ['CredentialsIssued Count 1']]);
  });
});
