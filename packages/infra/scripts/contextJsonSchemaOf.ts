import { z } from 'zod';
import { infraConfigSchema } from '../src/infraConfigSchema.ts';

/**
 * The JSON Schema of a cdk.json whose `context.stscreds` is the app's configuration, as the
 * text of schema/stscreds-context.schema.json. It checks each field's shape; the rules that
 * tie fields together are left to `readInfraConfig`, which `cdk synth` runs.
 *
 * @example
 * writeFileSync('schema/stscreds-context.schema.json', contextJsonSchemaOf());
 */
export function contextJsonSchemaOf(): string {
  const { $schema, ...stscreds } = z.toJSONSchema(infraConfigSchema, { io: 'input' });
  const cdkJson = {
    $schema,
    title: 'cdk.json of a stscreds app',
    type: 'object',
    properties: { context: { type: 'object', properties: { stscreds } } },
  };
  return `${JSON.stringify(cdkJson, null, 2)}\n`;
}
