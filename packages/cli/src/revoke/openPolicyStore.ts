import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AccessPolicyStore } from '@stscreds/iam/revocations';

export interface PolicyStoreOptions {
  readonly file?: string | undefined;
  readonly parameter?: string | undefined;
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
}

/**
 * The access policy where the broker reads it: a file (written whole, by rename), or an SSM
 * parameter (overwritten in place, keeping its type).
 *
 * @throws {Error} unless exactly one of `file` and `parameter` is given.
 * @example
 * const store = await openPolicyStore({ parameter: '/stscreds/access-policy', region, credentials });
 */
export async function openPolicyStore(options: PolicyStoreOptions): Promise<AccessPolicyStore> {
  if ((options.file === undefined) === (options.parameter === undefined)) {
    throw new Error('Say where the access policy is: --policy-parameter <name> or --policy-file <path>');
  }
  if (options.file !== undefined) {
    const file = options.file;
    return {
      describe: `file ${file}`,
      read: () => readFile(file, 'utf8'),
      write: async (text) => {
        await writeFile(`${file}.tmp`, text, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      },
    };
  }
  const name = options.parameter as string;
  const { GetParameterCommand, PutParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({ region: options.region, credentials: options.credentials });
  let type: 'String' | 'SecureString' = 'String';
  return {
    describe: `SSM parameter ${name}`,
    read: async () => {
      const { Parameter: parameter } = await ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      if (parameter?.Value === undefined) throw new Error(`SSM parameter ${name} has no value`);
      type = parameter.Type === 'SecureString' ? 'SecureString' : 'String';
      return parameter.Value;
    },
    write: async (text) => {
      await ssm.send(new PutParameterCommand({ Name: name, Value: text, Type: type, Overwrite: true }));
    },
  };
}
