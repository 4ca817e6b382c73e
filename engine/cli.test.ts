import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from './cli';
import { projectRoot } from './paths';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd: process.cwd() });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('opsflow command line', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: opsflow/);
    expect(stdout).toMatch(/\bstart\b/);
    expect(stdout).toMatch(/\bmigrate\b/);
  });

  it('exits 2 on misuse', async () => {
    const { code, stderr } = await run(['no-such-command']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'no-such-command'/);
  });

  it('works as the installed binary (bin/opsflow.js on the built dist/)', () => {
    const bin = join(projectRoot(), 'bin', 'opsflow.js');
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/Commands:/);
    // The binary composes the REST API part (api/ imports engine/, not the reverse).
    expect(help).toMatch(/^\s+api\b/m);
    const misuse = spawnSync(process.execPath, [bin, '--no-such-flag'], { encoding: 'utf8' });
    expect(misuse.status).toBe(2);
  });
});
