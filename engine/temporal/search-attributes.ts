/**
 * The custom search attributes opsflow sets on its runs, name → Temporal type (`Keyword`, `Int`,
 * `Datetime`, ...). Every Temporal server the project starts for itself registers them at setup:
 * the real server (`temporal-server.ts`, and so `npm run test:cluster`), and a production
 * cluster's operator registers the same with `temporal operator search-attribute create`
 * (docs/operations.md).
 *
 * The hook where the run queries' attributes are declared: empty until runs carry any, so a
 * server set up from this list accepts every start opsflow makes.
 */
export const OPSFLOW_SEARCH_ATTRIBUTES: Readonly<Record<string, string>> = {};
