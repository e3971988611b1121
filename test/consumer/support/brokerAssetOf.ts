import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: { readonly Code?: { readonly S3Key?: unknown }; readonly Handler?: unknown };
}

/**
 * The folder of the broker function's code asset in a synthesized cloud assembly: the one
 * Lambda function of `stackName` whose handler is the broker bundle's.
 *
 * @example
 * const dir = await brokerAssetOf('cdk.out', 'StsCredsBroker'); // cdk.out/asset.<hash>
 */
export async function brokerAssetOf(cloudAssembly: string, stackName: string): Promise<string> {
  const template = JSON.parse(await readFile(join(cloudAssembly, `${stackName}.template.json`), 'utf8'));
  const functions = Object.values(template.Resources as Record<string, TemplateResource>).filter(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Properties?.Handler === 'index.handler',
  );
  const keys = [...new Set(functions.map((fn) => fn.Properties?.Code?.S3Key))];
  const [key] = keys;
  if (keys.length !== 1 || typeof key !== 'string') {
    throw new Error(`${stackName} has no single broker code asset: ${JSON.stringify(keys)}`);
  }
  return join(cloudAssembly, `asset.${key.replace(/\.zip$/, '')}`);
}
