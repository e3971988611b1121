import { readFile } from 'node:fs/promises';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { type AccessPolicy, parseAccessPolicy } from './parseAccessPolicy.ts';

/** Where the access policy comes from. */
export type AccessPolicySource =
  | { readonly kind: 'inline'; readonly json: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'ssm'; readonly name: string; readonly maxAgeSeconds: number };

/** Answers the current access policy; rejects with the defect when it cannot. */
export type AccessPolicyLoader = () => Promise<AccessPolicy>;

const once = (load: () => Promise<AccessPolicy>): AccessPolicyLoader => {
  let loaded: Promise<AccessPolicy> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
};

/**
 * Makes the loader of the access policy. An inline or file policy is read and checked once
 * per container; an SSM parameter is read through Powertools Parameters and cached for
 * `maxAgeSeconds`, so a change reaches warm containers without a deploy. The last text
 * parsed is kept with its result, so an unchanged parameter is not parsed again.
 *
 * @example
 * const load = loadAccessPolicy({ kind: 'file', path: '/opt/policy.json' });
 * const policy = await load();
 */
export function loadAccessPolicy(source: AccessPolicySource, ssm?: SSMProvider): AccessPolicyLoader {
  switch (source.kind) {
    case 'inline':
      return once(async () => parseAccessPolicy(source.json));
    case 'file':
      return once(async () => parseAccessPolicy(await readFile(source.path, 'utf8')));
    case 'ssm': {
      let last: { text: string; policy: AccessPolicy } | undefined;
      let provider: Promise<SSMProvider> | undefined = ssm && Promise.resolve(ssm);
      return async () => {
        // The SSM client is loaded only by brokers that read their policy from SSM: it is a
        // large share of the bundle, and of the cold start, for everyone else.
        provider ??= import('@aws-lambda-powertools/parameters/ssm').then(
          ({ SSMProvider }) => new SSMProvider(),
        );
        const text = await (await provider).get(source.name, { maxAge: source.maxAgeSeconds });
        if (typeof text !== 'string') throw new Error(`SSM parameter ${source.name} has no value`);
        if (last?.text !== text) last = { text, policy: parseAccessPolicy(text) };
        return last.policy;
      };
    }
  }
}
