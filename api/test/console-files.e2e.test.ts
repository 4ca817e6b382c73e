import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { consoleDistDir } from '../console/console.controller';
import { projectRoot } from '../../engine/paths';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

// The console's files as the API serves them (api/console/), from the real build of console/.
describe('the console at /console', () => {
  let h: ApiHarness;
  let script: string;

  beforeAll(async () => {
    // npm install builds it (prepare); a checkout that only ran tsc builds it here.
    if (!existsSync(join(consoleDistDir(), 'index.html'))) {
      execFileSync('npm', ['run', 'build:console'], { cwd: projectRoot(), stdio: 'ignore' });
    }
    const found = readdirSync(join(consoleDistDir(), 'assets')).find((f) => f.endsWith('.js'));
    if (!found) throw new Error('the console build has no script');
    script = found;
    h = await startApiHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('answers the app for /console and any page under it, without a token, with a strict CSP', async () => {
    for (const path of [
      '/console',
      '/console/',
      '/console/runs/some-run',
      '/console/rules/greet?version=2',
    ]) {
      const res = await h.http().get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.text).toContain(`/console/assets/${script}`);
      // Same origin, no CDN: every script and stylesheet is one of ours.
      const urls = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)]
        .map((m) => m[1])
        .filter((u) => u !== 'data:,');
      expect(urls.filter((u) => !u.startsWith('/console/assets/'))).toEqual([]);
    }
  });

  it('sends a browser at the server root to the console', async () => {
    const res = await h.http().get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/console');
  });

  it('serves the hashed assets with their type, cached for good', async () => {
    const res = await h.http().get(`/console/assets/${script}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.text.length).toBeGreaterThan(1000);
  });

  it('says 404 for an asset it does not have, and never leaves the build folder', async () => {
    expectProblem(await h.http().get('/console/assets/nope.js'), 404);
    expectProblem(await h.http().get('/console/assets/..%2F..%2Fpackage.json'), 404);
    // A malformed escape: Fastify's router refuses the URL itself, before any route.
    expect((await h.http().get('/console/assets/%E0%A4%A.js')).status).toBe(400);
    // Not a console file type: it is a page of the app, not a file.
    const page = await h.http().get('/console/assets/../../package.json');
    expect(page.text).not.toContain('"name": "opsflow"');
  });

  it('keeps the API behind its token: the console is only its files', async () => {
    expectProblem(await h.http().get('/v1/whoami'), 401);
    expectProblem(await h.http().post('/console'), 405);
  });
});
