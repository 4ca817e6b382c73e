/**
 * The spec stays honest: the document the API serves (with the example rule set deployed) passes
 * `redocly lint`, and schemathesis (`--checks all`, fixed seed, bounded examples) finds no
 * schema-valid request refused (ST202), no undeclared method answered other than 405 (ST204) and
 * no server error (ST101), against the real API on real PostgreSQL and the real dev server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths';
import { ADMIN_TOKEN, startApiHarness, type ApiHarness } from './api-harness';

const run = promisify(execFile);

/** The example rule set, as `{path: content}`. */
function exampleRules(): Record<string, string> {
  const root = join(projectRoot(), 'rules');
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(rule|rule\.ya?ml|connector\.ya?ml)$/.test(entry.name)) {
        files[relative(root, full)] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(root);
  return files;
}

/** The failure codes in schemathesis' summary (`❌ ST202 Schema-valid request rejected: 3`). */
function failureCodes(output: string): string[] {
  return [...output.matchAll(/❌ (ST\d{3}) [^\n]*: \d+/g)].map((m) => m[1]);
}

describe('API conformance with its own spec', () => {
  let h: ApiHarness;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    h = await startApiHarness();
    await h.deploy(exampleRules(), 'the example rule set');
    await h.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(h.app.getHttpServer().address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'opsflow-conformance-'));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('serves a spec that redocly lint finds no error in', async () => {
    const spec = await (await fetch(`${base}/openapi.json`)).text();
    const file = join(dir, 'served-openapi.json');
    writeFileSync(file, spec);
    const redocly = join(projectRoot(), 'node_modules', '.bin', 'redocly');
    // Exits non-zero on any error; warnings (e.g. /healthz has no 4xx answer) are allowed.
    const { stdout, stderr } = await run(redocly, ['lint', file, '--format=stylish'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(`${stdout}${stderr}`).toMatch(/Your API description is valid/);
    // The served spec lists the declared event types: `ticket.opened` is one of the rule set's.
    expect(spec).toContain('"ticket.opened"');
  }, 120_000);

  it('passes schemathesis --checks all: no ST202, ST204 or server error', async () => {
    const { stdout: st } = await run('bash', [join(projectRoot(), 'scripts', 'schemathesis.sh')], {
      maxBuffer: 1 << 20,
    });
    const args = [
      'run',
      `${base}/openapi.json`,
      '--checks',
      'all',
      '--header',
      `Authorization: Bearer ${ADMIN_TOKEN}`,
      '--seed',
      '20261202',
      '--max-examples',
      '10',
      // One worker, in the spec's order, without the stateful phase: ingest is tested before
      // a fuzzed deployment replaces the rule set that declares the event types.
      '--workers',
      '1',
      '--phases',
      'examples,coverage,fuzzing',
      '--generation-database',
      'none',
      '--no-color',
    ];
    // Operations that replace the rule set go last: a fuzzed deployment (an empty file set is
    // valid) removes the rules that declare the event types the spec was fetched with.
    const ruleChanges = '^/v1/(deployments|rules/\\{name\\}/(rollback|enable|disable))$';
    // Left out: `POST /v1/rules/{name}/runs`. Schemathesis fills `{name}` with rule names seen in
    // other responses, but one body schema cannot say which rule takes which input or event data
    // (the spec cannot tie a path parameter to a body); engine-routes.e2e.test.ts covers it.
    const later = '^/v1/(deployments|rules/\\{name\\}/(rollback|enable|disable|runs))$';
    const passes = [
      [...args, '--exclude-path-regex', later],
      [...args, '--include-path-regex', ruleChanges],
    ];
    const outputs: string[] = [];
    for (const pass of passes) {
      // In the temporary folder: schemathesis keeps a cache of what it found in its working directory.
      const result = await run(st.trim(), pass, { cwd: dir, maxBuffer: 64 << 20, timeout: 300_000 }).catch(
        (err: { stdout?: string; stderr?: string }) => ({
          stdout: err.stdout ?? '',
          stderr: err.stderr ?? '',
        }),
      );
      outputs.push(`${result.stdout}${result.stderr}`);
    }
    writeFileSync(join(projectRoot(), '.cache', 'schemathesis-last.txt'), outputs.join('\n'));
    for (const output of outputs) expect(output).toMatch(/Test cases:\s+\d+ generated/);
    const forbidden = outputs
      .flatMap(failureCodes)
      .filter((code) => ['ST101', 'ST202', 'ST204'].includes(code));
    // On failure, .cache/schemathesis-last.txt holds the report with a curl line for each case.
    expect(forbidden).toEqual([]);
  }, 660_000);
});
