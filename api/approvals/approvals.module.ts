import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';

/** `GET /v1/approvals`: the approvals inbox. */
@Module({ imports: [RunsModule], controllers: [ApprovalsController], providers: [ApprovalsService] })
export class ApprovalsModule {}
