// `npm run schema`: writes the published JSON Schema and the configuration reference from the
// compiled zod schema (run after `npm run build`). A unit test fails when either file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';

const { renderJsonSchema } = await import('../dist/src/config/json-schema.js');
const { renderConfigReference } = await import('../dist/src/config/reference-doc.js');

mkdirSync('schema', { recursive: true });
mkdirSync('docs', { recursive: true });
writeFileSync('schema/bucketbridge.schema.json', renderJsonSchema());
writeFileSync('docs/configuration.md', renderConfigReference());
console.error('wrote schema/bucketbridge.schema.json and docs/configuration.md');
