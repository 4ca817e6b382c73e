import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { API_DEPS, type ApiDeps } from '../tokens';

/** One operator action to record: what was done to which rule, and any particulars. */
export interface AuditRecord {
  /** A stable name, e.g. `schedule_paused`. */
  readonly action: string;
  readonly rule: string | null;
  readonly version?: number | null;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Writes lines of the `audit` table for actions taken through the API that are not rule changes
 * (those the registry records itself, in the same transaction as the change).
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(API_DEPS) private readonly deps: ApiDeps) {}

  /** Records `record` as done by `principal` now. */
  async record(principal: Principal, record: AuditRecord): Promise<void> {
    await this.deps.db.query(
      'INSERT INTO audit (actor, action, rule_name, version, detail) VALUES ($1, $2, $3, $4, $5)',
      [
        principal.name,
        record.action,
        record.rule,
        record.version ?? null,
        JSON.stringify(record.detail ?? {}),
      ],
    );
  }
}
