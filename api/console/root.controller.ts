import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/role.decorator';

/** `GET /`: a browser pointed at the server lands on the console. */
@ApiExcludeController()
@Controller()
@Public()
export class RootController {
  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/console', 302);
  }
}
