/**
 * The API's actions and the least role each needs: what `GET /v1/whoami` lists for a caller, so
 * the console offers only what the caller may do. The routes of these actions take their role
 * from here (`access: PERMISSIONS['runs.retry']`), so the list cannot drift from what is enforced.
 */
import { roleAllows, type Role } from './roles';

export const PERMISSIONS = {
  'events.ingest': 'ingest',
  'events.read': 'viewer',
  'rules.read': 'viewer',
  'rules.validate': 'editor',
  'rules.deploy': 'editor',
  /** Enable and disable. */
  'rules.enable': 'editor',
  'rules.rollback': 'editor',
  /** Pause and resume: an operational switch, like a schedule's. */
  'rules.pause': 'operator',
  /** Start a rule by hand. */
  'rules.run': 'operator',
  'runs.read': 'viewer',
  /** Decide approvals (an `approve … by "GROUP"` needs a key in GROUP too). */
  'runs.approve': 'operator',
  'runs.cancel': 'operator',
  /** Rerun one run, or in bulk. */
  'runs.rerun': 'operator',
  'runs.retry': 'operator',
  'jobs.read': 'viewer',
  'approvals.read': 'viewer',
  'schedules.manage': 'operator',
  'metrics.read': 'viewer',
  'audit.read': 'admin',
  'keys.manage': 'admin',
} as const satisfies Readonly<Record<string, Role>>;

/** An action of `PERMISSIONS`. */
export type Permission = keyof typeof PERMISSIONS;

/** The actions `role` may take, in the order of `PERMISSIONS`. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => roleAllows(role, PERMISSIONS[p]));
}
