import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { ConfigError } from '../errors';

/** The API's admin token and whether it was generated just now (then it is printed, once). */
export interface AdminToken {
  readonly token: string;
  readonly generated: boolean;
  /** Where a generated token is kept. */
  readonly file?: string;
}

/** Where embedded mode keeps the generated admin token. */
export function adminTokenFile(dataDir: string): string {
  return join(dataDir, 'admin-token');
}

/**
 * `OPSFLOW_ADMIN_TOKEN` when set; otherwise (embedded mode only: `loadConfig` requires it in
 * production) the token stored in the data directory, generated with mode 0600 on first boot.
 */
export function ensureAdminToken(config: Pick<Config, 'adminToken' | 'dataDir'>): AdminToken {
  if (config.adminToken) return { token: config.adminToken, generated: false };
  const file = adminTokenFile(config.dataDir);
  let stored: string | undefined;
  try {
    stored = readFileSync(file, 'utf8').trim();
  } catch {
    stored = undefined;
  }
  if (stored) {
    if (stored.length < 16)
      throw new ConfigError(
        `${file}: the stored admin token is too short; delete the file to generate a new one`,
      );
    return { token: stored, generated: false, file };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // The mode of writeFileSync is filtered by the umask; make sure nobody else can read it.
  chmodSync(file, 0o600);
  return { token, generated: true, file };
}
