/** Dependency injection tokens for what the API receives from the process that hosts it. */
import type { Client } from '@temporalio/client';
import type { Config } from '../engine/config';
import type { Database } from '../engine/db/sql';

/** What `createApiApp` is given: the engine's database and Temporal client, and the configuration. */
export interface ApiDeps {
  readonly db: Database;
  readonly client: Client;
  readonly taskQueue: string;
  /** `adminToken` is the token of role `admin`; without it only API keys authenticate. */
  readonly config: Config;
}

/** Injects `ApiDeps`. */
export const API_DEPS = Symbol('opsflow.api.deps');
