/**
 * Records the replay histories under `workflows/histories/v<INTERPRETER_VERSION>/`: every scenario
 * of the example rules (`rule-scenarios.ts`) is run on the time-skipping test server and the
 * history of each of its executions is saved as `<scenario>.<n>.json`.
 *
 * Not part of the normal test run (its name does not end in `.test.ts`); run it on purpose:
 *
 *     DATABASE_URL=unused npx jest --testMatch '**\/workflows/testing/record-histories.ts'
 *
 * Histories of earlier interpreter versions stay where they are: they stand for runs still in
 * flight and must keep replaying. Re-record the current version's folder when a scenario changes;
 * when the interpreter's behaviour changes, bump `INTERPRETER_VERSION` (behind `patched()`) and
 * record a new folder.
 */
/* eslint-disable no-restricted-imports -- test tooling runs in Node, never in the workflow sandbox */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RuleIR } from '../../dsl/runtime';
import { INTERPRETER_VERSION } from '../interpreter';
import type { Harness } from './harness';
import { createHarness } from './harness';
import { SCENARIOS } from './rule-scenarios';
import { executionHistories, exampleRules, historyFile, runScenario } from './scenario-runner';

/** Where the histories of interpreter version `version` are kept. */
export function historiesFolder(version: number = INTERPRETER_VERSION): string {
  return join(__dirname, '..', 'histories', `v${version}`);
}

describe(`recording replay histories for interpreter v${INTERPRETER_VERSION}`, () => {
  let h: Harness;
  let rules: Record<string, RuleIR>;
  const folder = historiesFolder();

  beforeAll(async () => {
    rules = exampleRules();
    h = await createHarness('record-histories');
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(folder)) if (name.endsWith('.json')) rmSync(join(folder, name));
  });
  afterAll(async () => {
    await h?.close();
    // Formatted the way the repository's Prettier check wants (`npm run lint`). Prettier runs as
    // its CLI: its API loads ES modules, which jest's CommonJS runtime cannot.
    execFileSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', folder], {
      stdio: 'ignore',
    });
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    const workflowId = `history-${name}`;
    const run = await runScenario(h, rules, scenario, workflowId);
    expect(run.status).toBe(scenario.expect.status);
    const executions = await executionHistories(h, run.handle);
    executions.forEach(({ runId, history }, i) => {
      const file = historyFile(name, INTERPRETER_VERSION, workflowId, runId, history);
      writeFileSync(join(folder, `${name}.${i + 1}.json`), `${JSON.stringify(file, null, 2)}\n`);
    });
  });
});
