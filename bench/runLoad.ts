/**
 * A bounded load test of the local organization's Lambda endpoint: a fixed number of
 * requests at a fixed concurrency, mostly cache hits, some misses and some denials, stopped
 * early by a time limit. Every request is checked against the outcome it should have.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildIdentityProof } from '@stscreds/client';
import {
  type CredentialRequestInput,
  credentialResponseSchema,
  errorResponseSchema,
  type IdentityProof,
} from '@stscreds/contract';
import { DEV_ORG, type DevUser, seededRandom, startDevOrg } from '@stscreds/devorg';

export interface RunLoadOptions {
  /** Requests in all. Default: 20,000. */
  readonly requests?: number;
  /** Requests in flight at once. Default: 64. */
  readonly concurrency?: number;
  /** The share of requests that ask for a new session, so that the broker must call STS. Default: 0.1. */
  readonly missShare?: number;
  /** The share of requests that bob makes for prod, which the access policy denies. Default: 0.1. */
  readonly denyShare?: number;
  /** No request is started after this long. Default: 5 minutes. */
  readonly timeLimitMs?: number;
  /** How long one request may take before it counts as a transport failure. Default: 30 s. */
  readonly requestTimeoutMs?: number;
  /** A proof is signed anew once it is this old, well inside the broker's 5-minute window. Default: 4 minutes. */
  readonly resignAfterMs?: number;
  /** The organization's state folder. Default: a temporary folder, removed afterwards. */
  readonly stateDir?: string;
  /** Progress lines, for a person watching a long run. */
  readonly onProgress?: (line: string) => void;
}

/** What a request is for: the cached credentials, new ones, or a denial. */
export type RequestKind = 'hit' | 'miss' | 'deny';

export interface LoadResult {
  readonly machine: {
    readonly node: string;
    readonly cpus: number;
    readonly model: string;
    /** The 1-minute load average before and after: other work on a shared machine skews every figure. */
    readonly loadAverage: { readonly before: number; readonly after: number };
  };
  readonly options: {
    readonly requests: number;
    readonly concurrency: number;
    readonly missShare: number;
    readonly denyShare: number;
    readonly timeLimitMs: number;
  };
  /** True when the time limit stopped the run before every request was sent. */
  readonly aborted: boolean;
  readonly sent: number;
  readonly completed: number;
  /** Per kind: how many were sent, and how many got exactly the answer they should. */
  readonly outcomes: Readonly<Record<RequestKind, { readonly sent: number; readonly ok: number }>>;
  readonly errors: {
    readonly total: number;
    /** fetch failed: refused, reset or timed out. */
    readonly transport: number;
    readonly serverError: number;
    readonly functionError: number;
    /** A 200 with another answer than the kind calls for, such as Throttled for a hit. */
    readonly unexpected: number;
    /** A few of them, to start the search with. */
    readonly samples: readonly string[];
  };
  /** Distinct access keys handed out: one for all the hits shows they came from the cache. */
  readonly distinctAccessKeys: { readonly hit: number; readonly miss: number };
  readonly proofsSigned: number;
  readonly durationMs: number;
  readonly throughputPerSecond: number;
  readonly latencyMs: Percentiles;
  /** The same per kind: a miss waits for STS, a hit and a denial should not. */
  readonly latencyByKindMs: Readonly<Record<RequestKind, Percentiles>>;
  /** The process holds the broker, its Lambda endpoint and the load client; moto runs apart. */
  readonly memoryMb: {
    readonly rssBefore: number;
    readonly rssAfter: number;
    readonly heapUsedBefore: number;
    readonly heapUsedAfter: number;
    /** After a full garbage collection: what the broker's caches and the process really keep. */
    readonly heapUsedAfterGc: number;
    readonly rssAfterGc: number;
  };
}

export interface Percentiles {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

const MAX_ERROR_SAMPLES = 5;

/** Exactly `round(n × share)` misses and denials, spread through the run in a fixed order. */
const planKinds = (requests: number, missShare: number, denyShare: number): RequestKind[] => {
  const misses = Math.round(requests * missShare);
  const denials = Math.round(requests * denyShare);
  if (misses + denials > requests) throw new RangeError('missShare and denyShare add up to more than 1');
  const kinds: RequestKind[] = [
    ...Array<RequestKind>(misses).fill('miss'),
    ...Array<RequestKind>(denials).fill('deny'),
    ...Array<RequestKind>(requests - misses - denials).fill('hit'),
  ];
  const random = seededRandom(20_261_128);
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as RequestKind, kinds[i] as RequestKind];
  }
  return kinds;
};

const rounded = (ms: number): number => Math.round(ms * 100) / 100;

/** Mean and nearest-rank percentiles, in milliseconds rounded to hundredths. */
const percentilesOf = (values: Float64Array): Percentiles => {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number =>
    rounded(
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
        Number.NaN,
    );
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { mean: rounded(mean), p50: at(50), p90: at(90), p99: at(99), max: at(100) };
};

/** A full collection on demand, without asking whoever runs the benchmark for --expose-gc. */
const collectGarbage = (): void => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

const megabytes = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

const callerNamed = (callers: readonly DevUser[], name: string): DevUser => {
  const caller = callers.find((c) => c.name === name);
  if (!caller) throw new Error(`the local organization has no caller ${name}`);
  return caller;
};

/**
 * Starts the local organization, sends the planned requests to its Lambda endpoint with
 * `fetch`, checks every answer, and stops the organization again.
 *
 * @example
 * const result = await runLoad({ requests: 200, concurrency: 8 });
 * result.errors.total; // 0
 */
export async function runLoad(options: RunLoadOptions = {}): Promise<LoadResult> {
  const requests = options.requests ?? 20_000;
  const concurrency = options.concurrency ?? 64;
  const missShare = options.missShare ?? 0.1;
  const denyShare = options.denyShare ?? 0.1;
  const timeLimitMs = options.timeLimitMs ?? 5 * 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const resignAfterMs = options.resignAfterMs ?? 4 * 60_000;
  const say = options.onProgress ?? (() => undefined);
  const kinds = planKinds(requests, missShare, denyShare);

  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'stscreds-load-')));
  say('starting the local organization…');
  const org = await startDevOrg({ stateDir });
  try {
    // The broker's log lines would measure the terminal, not the broker.
    org.logger.setLogLevel('SILENT');
    const url = `${org.broker.lambdaEndpoint}/2015-03-31/functions/${DEV_ORG.functionName}/invocations`;

    let proofsSigned = 0;
    const proofs = new Map<string, { body: Promise<{ identity: IdentityProof }>; signedAt: number }>();
    // A proof is bound to its request: each distinct request has its own, re-signed as it ages.
    const identityOf = (
      name: string,
      request: CredentialRequestInput,
    ): Promise<{ identity: IdentityProof }> => {
      const key = `${name} ${JSON.stringify(request)}`;
      const current = proofs.get(key);
      if (current && performance.now() - current.signedAt < resignAfterMs) return current.body;
      proofsSigned += 1;
      const body = buildIdentityProof({
        credentials: callerNamed(org.seeded.callers, name).credentials,
        audience: org.broker.audience,
        stsEndpoint: org.broker.stsEndpoint,
        request,
      }).then((identity) => ({ identity }));
      proofs.set(key, { body, signedAt: performance.now() });
      return body;
    };

    const payloadOf = async (kind: RequestKind, index: number): Promise<string> => {
      const request = { accountId: 'prod', ...(kind === 'miss' && { sessionName: `load-${index}` }) };
      const caller = kind === 'deny' ? 'bob' : 'alice';
      const signed = await identityOf(caller, request);
      // A miss's proof serves once: keeping it would only grow the map.
      if (kind === 'miss') proofs.delete(`${caller} ${JSON.stringify(request)}`);
      return JSON.stringify({ ...request, ...signed });
    };

    const latencies = new Float64Array(requests);
    const kindOfLatency = new Array<RequestKind>(requests);
    const outcomes: Record<RequestKind, { sent: number; ok: number }> = {
      hit: { sent: 0, ok: 0 },
      miss: { sent: 0, ok: 0 },
      deny: { sent: 0, ok: 0 },
    };
    const errors = { transport: 0, serverError: 0, functionError: 0, unexpected: 0, samples: [] as string[] };
    const keys = { hit: new Set<string>(), miss: new Set<string>() };
    const fail = (kind: keyof Omit<typeof errors, 'samples'>, index: number, detail: string): void => {
      errors[kind] += 1;
      if (errors.samples.length < MAX_ERROR_SAMPLES) errors.samples.push(`#${index} ${kind}: ${detail}`);
    };

    /** Sends one request, files its answer under its kind or an error, and tells how long it took. */
    const send = async (index: number, kind: RequestKind): Promise<number> => {
      const body = await payloadOf(kind, index);
      const started = performance.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(requestTimeoutMs) });
        text = await response.text();
      } catch (error) {
        fail('transport', index, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        return performance.now() - started;
      }
      const elapsed = performance.now() - started;
      if (response.status >= 500) fail('serverError', index, `${response.status} ${text.slice(0, 200)}`);
      else if (response.headers.has('x-amz-function-error')) fail('functionError', index, text.slice(0, 200));
      else if (response.status !== 200) fail('unexpected', index, `${response.status} ${text.slice(0, 200)}`);
      else {
        const answer: unknown = JSON.parse(text);
        if (kind === 'deny') {
          const denied = errorResponseSchema.safeParse(answer);
          if (denied.success && denied.data.error.code === 'AccessDenied') outcomes.deny.ok += 1;
          else fail('unexpected', index, `bob was not denied prod: ${text.slice(0, 200)}`);
        } else {
          const issued = credentialResponseSchema.safeParse(answer);
          if (issued.success && issued.data.AccountId === '222222222222') {
            outcomes[kind].ok += 1;
            keys[kind].add(issued.data.AccessKeyId);
          } else fail('unexpected', index, `alice got no prod credentials: ${text.slice(0, 200)}`);
        }
      }
      return elapsed;
    };

    // Both proofs are signed before the clock starts: signing is the caller's cost, not the broker's.
    await Promise.all([identityOf('alice', { accountId: 'prod' }), identityOf('bob', { accountId: 'prod' })]);
    collectGarbage();
    const before = process.memoryUsage();
    const loadBefore = loadavg()[0] ?? Number.NaN;
    say(`sending ${requests} requests, ${concurrency} at a time…`);
    const started = performance.now();
    const deadline = started + timeLimitMs;
    let next = 0;
    let completed = 0;
    let aborted = false;
    const progressEvery = Math.max(1, Math.floor(requests / 10));
    const worker = async (): Promise<void> => {
      for (;;) {
        if (performance.now() > deadline) {
          aborted = next < requests;
          return;
        }
        const index = next;
        next += 1;
        const kind = kinds[index];
        if (kind === undefined) return;
        outcomes[kind].sent += 1;
        const elapsed = await send(index, kind);
        latencies[completed] = elapsed;
        kindOfLatency[completed] = kind;
        completed += 1;
        if (completed % progressEvery === 0) say(`  ${completed}/${requests}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
    const durationMs = performance.now() - started;
    const after = process.memoryUsage();
    const loadAfter = loadavg()[0] ?? Number.NaN;
    collectGarbage();
    const afterGc = process.memoryUsage();

    const done = latencies.subarray(0, completed);
    const ofKind = (kind: RequestKind): Percentiles =>
      percentilesOf(done.filter((_, i) => kindOfLatency[i] === kind));
    const { samples, ...counts } = errors;
    return {
      machine: {
        node: process.version,
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        loadAverage: { before: loadBefore, after: loadAfter },
      },
      options: { requests, concurrency, missShare, denyShare, timeLimitMs },
      aborted,
      sent: Math.min(next, requests),
      completed,
      outcomes,
      errors: { total: Object.values(counts).reduce((sum, n) => sum + n, 0), ...counts, samples },
      distinctAccessKeys: { hit: keys.hit.size, miss: keys.miss.size },
      proofsSigned,
      durationMs: Math.round(durationMs),
      throughputPerSecond: Math.round((completed / durationMs) * 1000),
      latencyMs: percentilesOf(done),
      latencyByKindMs: { hit: ofKind('hit'), miss: ofKind('miss'), deny: ofKind('deny') },
      memoryMb: {
        rssBefore: megabytes(before.rss),
        rssAfter: megabytes(after.rss),
        heapUsedBefore: megabytes(before.heapUsed),
        heapUsedAfter: megabytes(after.heapUsed),
        heapUsedAfterGc: megabytes(afterGc.heapUsed),
        rssAfterGc: megabytes(afterGc.rss),
      },
    };
  } finally {
    await org.stop();
    if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
  }
}

/** The result as a few aligned lines, for a terminal. */
export function formatLoadResult(result: LoadResult): string {
  const { outcomes, errors, latencyMs, memoryMb } = result;
  const line = (p: Percentiles): string => `${p.p50} / ${p.p90} / ${p.p99} / ${p.max}`;
  const rows: [string, string][] = [
    ['requests', `${result.completed} of ${result.options.requests}${result.aborted ? ' (time limit)' : ''}`],
    ['concurrency', String(result.options.concurrency)],
    [
      'hit / miss / deny (ok of sent)',
      `${outcomes.hit.ok}/${outcomes.hit.sent}  ${outcomes.miss.ok}/${outcomes.miss.sent}  ${outcomes.deny.ok}/${outcomes.deny.sent}`,
    ],
    [
      'errors',
      `${errors.total} (transport ${errors.transport}, 5xx ${errors.serverError}, function ${errors.functionError}, unexpected ${errors.unexpected})`,
    ],
    ['latency ms p50 / p90 / p99 / max', line(latencyMs)],
    ...(['hit', 'miss', 'deny'] as const).map((kind): [string, string] => [
      `  ${kind}`,
      line(result.latencyByKindMs[kind]),
    ]),
    [
      'throughput',
      `${result.throughputPerSecond} requests/s over ${(result.durationMs / 1000).toFixed(1)} s`,
    ],
    [
      'RSS MB before → after (after GC)',
      `${memoryMb.rssBefore} → ${memoryMb.rssAfter} (${memoryMb.rssAfterGc})`,
    ],
    [
      'heap used MB before → after (after GC)',
      `${memoryMb.heapUsedBefore} → ${memoryMb.heapUsedAfter} (${memoryMb.heapUsedAfterGc})`,
    ],
    [
      'load average before → after',
      `${result.machine.loadAverage.before.toFixed(2)} → ${result.machine.loadAverage.after.toFixed(2)} on ${result.machine.cpus} cores`,
    ],
    ['distinct keys hit / miss', `${result.distinctAccessKeys.hit} / ${result.distinctAccessKeys.miss}`],
    ['proofs signed', String(result.proofsSigned)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    ...errors.samples.map((sample) => `  ${sample}`),
  ].join('\n');
}
