/**
 * Registering opsflow's search attributes (`OPSFLOW_SEARCH_ATTRIBUTES`) on a Temporal server: a
 * run cannot start on a server that does not know them. The dev server gets them as
 * `--search-attribute` flags; a cluster at setup (`temporal operator search-attribute create`),
 * and `ensureSearchAttributes` adds any that are missing when opsflow boots.
 */
import type { Connection } from '@temporalio/client';
import { ServerStartError } from '../errors';
import { OPSFLOW_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export { OPSFLOW_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/** Temporal's `IndexedValueType` numbers of the types opsflow uses. */
const INDEXED_VALUE_TYPES: Readonly<Record<string, number>> = { Keyword: 2, Int: 3 };

/**
 * Makes sure the namespace has every opsflow search attribute: adds the missing ones through the
 * operator service. Throws `ServerStartError` naming the missing attributes (and how to register
 * them) when the server refuses, e.g. Temporal Cloud, whose attributes are managed in its console.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(listed.customAttributes ?? {}));
  const missing = Object.entries(OPSFLOW_SEARCH_ATTRIBUTES).filter(([name]) => !known.has(name));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]])),
    });
  } catch (err) {
    const names = missing.map(([name, type]) => `${name} (${type})`).join(', ');
    throw new ServerStartError(
      `the Temporal namespace ${namespace} lacks opsflow's search attributes ${names} and they could not be added (${err instanceof Error ? err.message : String(err)}); register them, e.g. ` +
        missing
          .map(
            ([name, type]) =>
              `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${type}`,
          )
          .join(' && '),
    );
  }
  log(`registered search attributes ${missing.map(([name]) => name).join(', ')} in namespace ${namespace}`);
}
