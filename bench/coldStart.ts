import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median } from './stats.ts';

const run = promisify(execFile);

/** Module load plus handler construction in a fresh Node.js process, in milliseconds, as the process itself measures it. */
const initMs = async (bundle: string, env: NodeJS.ProcessEnv): Promise<number> => {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(bundle)}); if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return Number(stdout.trim());
};

export interface ColdStart {
  readonly brokerInitMs: number;
  readonly baselineInitMs: number;
  readonly ratio: number;
  readonly runs: number;
}

/**
 * A complete broker configuration: with one setting missing the broker would build its
 * fail-closed handler instead, skipping the STS client and the pipeline, and the cold start
 * measured would not be the one that serves.
 */
export const COLD_START_ENV = {
  NODE_NO_WARNINGS: '1',
  AWS_REGION: 'us-west-2',
  STSCREDS_AUDIENCE: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
  STSCREDS_ACCESS_POLICY: '{"version":1,"rules":[]}',
  POWERTOOLS_LOG_LEVEL: 'WARN',
} as const;

/** Paired, alternating cold starts of both bundles; medians and their ratio. */
export async function measureColdStart(broker: string, baseline: string, runs = 24): Promise<ColdStart> {
  const env = { PATH: process.env.PATH, ...COLD_START_ENV };
  const brokerTimes: number[] = [];
  const baselineTimes: number[] = [];
  // One discarded pair warms the file cache for both.
  await initMs(broker, env);
  await initMs(baseline, env);
  for (let i = 0; i < runs; i += 1) {
    if (i % 2 === 0) {
      brokerTimes.push(await initMs(broker, env));
      baselineTimes.push(await initMs(baseline, env));
    } else {
      baselineTimes.push(await initMs(baseline, env));
      brokerTimes.push(await initMs(broker, env));
    }
  }
  const brokerInitMs = median(brokerTimes);
  const baselineInitMs = median(baselineTimes);
  return { brokerInitMs, baselineInitMs, ratio: brokerInitMs / baselineInitMs, runs };
}
