// Writes schemas/experiment.schema.json from the key table (src/engine/config/keys.ts).
// Run after changing a key: `npx tsx scripts/write-schema.ts`. A unit test fails while
// the file on disk differs from what the table produces.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { experimentSchemaText } from '../src/engine/config/jsonSchema';

const target = path.resolve(__dirname, '..', 'schemas', 'experiment.schema.json');
writeFileSync(target, experimentSchemaText());
console.log(`wrote ${target}`);
