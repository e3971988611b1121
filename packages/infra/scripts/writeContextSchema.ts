import { writeFileSync } from 'node:fs';
import { contextJsonSchemaOf } from './contextJsonSchemaOf.ts';

// Regenerates the JSON Schema editors check cdk.json's `stscreds` context against.
writeFileSync(new URL('../schema/stscreds-context.schema.json', import.meta.url), contextJsonSchemaOf());
