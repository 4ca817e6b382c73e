import type { RuleIR } from '../dsl/runtime';
import type { Harness } from './testing/harness';
import { createHarness } from './testing/harness';
import { SCENARIOS } from './testing/rule-scenarios';
import { exampleRules, runScenario } from './testing/scenario-runner';

// The example rules in rules/ on the real interpreter and Temporal's time-skipping test server,
// one scenario per branch (the same scenarios are recorded as replay histories).

let h: Harness;
let rules: Record<string, RuleIR>;

beforeAll(async () => {
  rules = exampleRules();
  h = await createHarness('example-rules');
});
afterAll(async () => {
  await h?.close();
});

it('has a scenario for every example rule', () => {
  const covered = new Set(SCENARIOS.map((s) => s.rule));
  expect(Object.keys(rules).filter((name) => !covered.has(name))).toEqual([]);
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, scenario) => {
  it(`ends ${scenario.expect.status} with the expected calls`, async () => {
    const run = await runScenario(h, rules, scenario, `example-${name}`);
    expect(run.status).toBe(scenario.expect.status);
    if (scenario.expect.concurrent) expect([...run.calls].sort()).toEqual([...scenario.expect.calls].sort());
    else expect(run.calls).toEqual(scenario.expect.calls);
  });
});
