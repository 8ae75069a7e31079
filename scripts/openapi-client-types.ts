/**
 * The types a generated client sees (openapi-typescript's `paths` and `components`), written by
 * `npm run openapi` to `test/fixtures/typed-client/api.d.ts`. Run directly with a document's
 * path, it prints them (the e2e test compares them with the checked-in file: Jest itself cannot
 * load openapi-typescript's ES-module dependencies).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';

export const CLIENT_TYPES_FILE = resolve(__dirname, '../test/fixtures/typed-client/api.d.ts');

export async function clientTypes(document: object): Promise<string> {
  // A deep copy: openapi-typescript annotates the object it is given.
  const copy = JSON.parse(JSON.stringify(document)) as OpenAPI3;
  return COMMENT_HEADER + astToString(await openapiTS(copy, { silent: true }));
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: openapi-client-types.ts <openapi.json>\n');
    process.exit(2);
  }
  clientTypes(JSON.parse(readFileSync(file, 'utf8')) as object).then(
    (types) => process.stdout.write(types),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
