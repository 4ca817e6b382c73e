/**
 * `npm run openapi`: writes the OpenAPI document generated from the controllers to
 * `docs/openapi.json`, formatted like the rest of the repository. A test fails when the file
 * and the code disagree.
 *
 * The app is built without servers: the database refuses every query and the Temporal client is
 * lazy (it never connects), as generating the spec only reads the routes' metadata.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { format, resolveConfig } from 'prettier';
import { loadConfig } from '../../engine/config';
import type { Database } from '../../engine/db/sql';
import { projectRoot } from '../../engine/paths';
import { createApiApp } from '../create-api-app';
import { buildOpenApiDocument } from './openapi-document';

/** Where the checked-in spec lives. */
export const SPEC_FILE = join(projectRoot(), 'docs', 'openapi.json');

const NO_DATABASE = (): Promise<never> => Promise.reject(new Error('no database while writing the spec'));

async function main(): Promise<void> {
  const db: Database = {
    query: NO_DATABASE,
    exec: NO_DATABASE,
    transaction: NO_DATABASE,
    close: async () => {},
  };
  const config = loadConfig({ OPSFLOW_ADMIN_TOKEN: 'spec-writer-token-not-used' }, { cwd: tmpdir() });
  const app = await createApiApp({
    db,
    client: new Client(),
    taskQueue: 'opsflow',
    config,
    logLevels: false,
  });
  try {
    const style = await resolveConfig(SPEC_FILE);
    const text = await format(JSON.stringify(buildOpenApiDocument(app)), { ...style, filepath: SPEC_FILE });
    writeFileSync(SPEC_FILE, text);
    process.stdout.write(`wrote ${SPEC_FILE}\n`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
