/**
 * Roles: `viewer` < `operator` < `editor` < `admin`, each allowed what the ones below it are.
 * `ingest` stands apart: it may only post events. Posting events is open to `ingest`,
 * `operator` and above (not `viewer`, which only reads).
 */

export const ROLES = ['ingest', 'viewer', 'operator', 'editor', 'admin'] as const;

/** A caller's role. */
export type Role = (typeof ROLES)[number];

const RANK: Readonly<Record<Exclude<Role, 'ingest'>, number>> = {
  viewer: 1,
  operator: 2,
  editor: 3,
  admin: 4,
};

/** Whether a caller with role `have` may use a route that requires `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  if (have === 'ingest') return need === 'ingest';
  if (need === 'ingest') return RANK[have] >= RANK.operator;
  return RANK[have] >= RANK[need];
}

/** Who made a request. */
export interface Principal {
  /** `admin` for the admin token, else the key's id. */
  readonly id: string;
  /** Recorded as the author of changes: `admin` or `key:<name>`. */
  readonly name: string;
  readonly role: Role;
  /** The key's groups (`approve … by "GROUP"`); none for the admin token, which may decide all. */
  readonly groups: readonly string[];
}
