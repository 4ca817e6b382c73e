import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/** The audit trail (the audit log writer is in the core module: several modules write to it). */
@Module({ controllers: [AuditController], providers: [] })
export class AuditModule {}
