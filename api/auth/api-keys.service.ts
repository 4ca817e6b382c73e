import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { API_DEPS, type ApiDeps } from '../tokens';
import type { Principal, Role } from './roles';

/** An API key as listed: never its token. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Groups the key belongs to: who may decide `approve … by "GROUP"`. */
  readonly groups: readonly string[];
  /** The first characters of the token, to tell keys apart. */
  readonly tokenPrefix: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** A key just created, with its token: the only time the token is shown. */
export interface CreatedApiKey extends ApiKey {
  readonly token: string;
}

interface KeyRow {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly groups: string[];
  readonly token_prefix: string;
  readonly created_by: string;
  readonly created_at: Date;
}

const TOKEN_PREFIX = 'ofk_';

/** sha256 of a token, hex: what the table keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** API keys in the `api_keys` table, and who a bearer token belongs to. */
@Injectable()
export class ApiKeysService {
  private readonly adminHash: Buffer | undefined;

  constructor(@Inject(API_DEPS) private readonly deps: ApiDeps) {
    const admin = deps.config.adminToken;
    this.adminHash = admin ? Buffer.from(hashToken(admin), 'hex') : undefined;
  }

  /** The principal a token belongs to, or undefined for an unknown or revoked token. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    // Comparing hashes in constant time: the admin token is not found character by character.
    if (this.adminHash && timingSafeEqual(this.adminHash, Buffer.from(hash, 'hex'))) {
      return { id: 'admin', name: 'admin', role: 'admin', groups: [] };
    }
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const { rows } = await this.deps.db.query<KeyRow>(
      'SELECT id, name, role, groups FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const row = rows[0];
    return row ? { id: row.id, name: `key:${row.name}`, role: row.role, groups: row.groups } : undefined;
  }

  /** Creates a key; the returned token is not stored and cannot be shown again. */
  async create(
    name: string,
    role: Role,
    createdBy: string,
    groups: readonly string[] = [],
  ): Promise<CreatedApiKey> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const { rows } = await this.deps.db.query<KeyRow>(
      `INSERT INTO api_keys (id, name, role, groups, token_hash, token_prefix, created_by)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7)
       RETURNING id, name, role, groups, token_prefix, created_by, created_at`,
      [
        randomUUID(),
        name,
        role,
        [...new Set(groups)],
        hashToken(token),
        token.slice(0, TOKEN_PREFIX.length + 6),
        createdBy,
      ],
    );
    return { ...toKey(rows[0]), token };
  }

  /** The keys not revoked, oldest first. */
  async list(): Promise<ApiKey[]> {
    const { rows } = await this.deps.db.query<KeyRow>(
      `SELECT id, name, role, groups, token_prefix, created_by, created_at
         FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id`,
    );
    return rows.map(toKey);
  }

  /** Revokes a key at once; false when there is no such key (or it was revoked before). */
  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.deps.db.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return rowCount > 0;
  }
}

function toKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    groups: row.groups,
    tokenPrefix: row.token_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}
