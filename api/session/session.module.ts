import { Module } from '@nestjs/common';
import { SessionController } from './session.controller';

/** `GET /v1/whoami`. */
@Module({ controllers: [SessionController] })
export class SessionModule {}
