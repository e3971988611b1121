import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contextJsonSchemaOf } from '../scripts/contextJsonSchemaOf.ts';

describe('schema/stscreds-context.schema.json', () => {
  it('is what the configuration schema generates now (npm run schema -w @stscreds/infra)', () => {
    const checkedIn = readFileSync(
      new URL('../schema/stscreds-context.schema.json', import.meta.url),
      'utf8',
    );
    expect(checkedIn).toBe(contextJsonSchemaOf());
  });

  it("describes cdk.json's context.stscreds, refusing unknown settings", () => {
    const schema = JSON.parse(contextJsonSchemaOf());
    const stscreds = schema.properties.context.properties.stscreds;
    expect(stscreds.required).toEqual(['brokerAccountId']);
    expect(stscreds.additionalProperties).toBe(false);
    expect(stscreds.properties.broker.properties.memorySize).toMatchObject({ minimum: 128, maximum: 10_240 });
  });
});
