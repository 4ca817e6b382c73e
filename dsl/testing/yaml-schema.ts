/**
 * Validation of YAML rule files against `schema/rule.schema.json` with ajv, as an editor's YAML
 * language server would do it: each document on its own, as plain data.
 */
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import schema from '../schema/rule.schema.json';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(schema);

/** One message per document of `source` that the schema rejects; empty when all are valid. */
export function schemaErrors(source: string): string[] {
  const out: string[] = [];
  for (const doc of parseAllDocuments(source)) {
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    // An empty document (`---` after `---`) declares nothing and is fine.
    if (data === null) continue;
    if (!validate(data)) out.push(ajv.errorsText(validate.errors));
  }
  return out;
}
