import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from './commands/testing/run-cli';
import { projectRoot } from './paths';

describe('opsflow command line', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: opsflow/);
    expect(stdout).toMatch(/\bstart\b/);
    expect(stdout).toMatch(/\bmigrate\b/);
  });

  it('exits 2 on misuse', async () => {
    const { code, stderr } = await runCli(['no-such-command']);
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
