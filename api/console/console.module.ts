import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { RootController } from './root.controller';

/** The operations console's files at `/console` (built from console/ by `npm run build:console`). */
@Module({ controllers: [ConsoleController, RootController] })
export class ConsoleModule {}
