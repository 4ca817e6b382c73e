import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/role.decorator';
import { NotFoundProblem } from '../common/problems';
import { projectRoot } from '../../engine/paths';

/** The content types of the files the console's build writes; nothing else is served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** Where `npm run build:console` writes the console (console/vite.config.ts). */
export function consoleDistDir(): string {
  return join(projectRoot(), 'console', 'dist');
}

/**
 * The operations console at `/console`, same origin as the API, no token needed for its files
 * (they hold no data: every page asks the API with the token the user signs in with). Files under
 * `assets/` have hashed names and are cached for a year; any other path is a page of the
 * single-page app and gets `index.html`, never cached, so a new build is picked up at once.
 */
@ApiExcludeController()
@Controller('console')
@Public()
export class ConsoleController {
  private readonly cache = new Map<string, Buffer>();

  @Get()
  async index(@Res() reply: FastifyReply): Promise<void> {
    await this.sendIndex(reply);
  }

  @Get('*')
  async file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const relative = decodePath(request.url.replace(/^\/console\/?/, '').replace(/[?#].*$/, ''));
    const extension = extname(relative);
    if (!relative.startsWith('assets/') || !Object.hasOwn(CONTENT_TYPES, extension)) {
      // A page of the app (`/console/runs/…`): the app's router shows it.
      await this.sendIndex(reply);
      return;
    }
    const root = consoleDistDir();
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) throw new NotFoundProblem(`no file ${relative} in the console`);
    const content = await this.read(file);
    if (!content) throw new NotFoundProblem(`no file ${relative} in the console`);
    await reply
      .type(CONTENT_TYPES[extension])
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(content);
  }

  private async sendIndex(reply: FastifyReply): Promise<void> {
    const content = await this.read(join(consoleDistDir(), 'index.html'), false);
    if (!content) {
      throw new NotFoundProblem('the console is not built: run `npm run build:console` (npm install does)');
    }
    await reply
      .type(CONTENT_TYPES['.html'])
      .header('cache-control', 'no-cache')
      // The console loads nothing from elsewhere: no CDN, no inline script.
      .header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
      )
      .send(content);
  }

  /** The file's bytes, or undefined when there is none; hashed assets are kept in memory. */
  private async read(file: string, keep = true): Promise<Buffer | undefined> {
    const cached = this.cache.get(file);
    if (cached) return cached;
    try {
      if (!(await stat(file)).isFile()) return undefined;
      const content = await readFile(file);
      if (keep) this.cache.set(file, content);
      return content;
    } catch {
      return undefined;
    }
  }
}

/** A URL path decoded; a malformed escape is a path no file has. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}
