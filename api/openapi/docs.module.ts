import { Module } from '@nestjs/common';
import { DocsController, OpenApiSpec } from './docs.controller';

/** The spec (`/openapi.json`) and Swagger UI (`/docs`), both public. */
@Module({ controllers: [DocsController], providers: [OpenApiSpec], exports: [OpenApiSpec] })
export class DocsModule {}
