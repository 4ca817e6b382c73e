/**
 * Validation of YAML rule files against `schema/rule.schema.json` with ajv, as an editor's YAML
 * language server would do it: each document on its own, as plain data. Ajv runs in full strict
 * mode (no union types, every `required` property defined), as a consumer of the schema would.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import schema from '../schema/rule.schema.json';

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/** The schema's errors for one document given as data; empty when it is valid. */
export function schemaErrorObjects(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

/** One message per document of `source` that the schema rejects; empty when all are valid. */
export function schemaErrors(source: string): string[] {
  const out: string[] = [];
  for (const doc of parseAllDocuments(source)) {
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    // An empty document (`---` after `---`) declares nothing and is fine.
    if (data === null) continue;
    const errors = schemaErrorObjects(data);
    if (errors.length > 0) out.push(ajv.errorsText(errors));
  }
  return out;
}
