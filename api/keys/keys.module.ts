import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';

/** API keys (the keys service itself is in the core module: the auth guard needs it everywhere). */
@Module({ controllers: [KeysController], providers: [] })
export class KeysModule {}
