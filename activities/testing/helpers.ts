/** Small helpers shared by the activity tests. */
import { ApplicationFailure } from '@temporalio/common';
import type { SecretResolver } from '../secrets';
import type { ActivityDeps, RunActionInput } from '../contract';

/** The failure a promise rejects with; fails the test when it resolves or throws something else. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected the activity to fail');
}

/** Secrets from a fixed map (the real resolvers are tested on their own in secrets.test.ts). */
export function secretsOf(values: Readonly<Record<string, string>>): SecretResolver {
  return { resolve: (name) => Promise.resolve(Object.hasOwn(values, name) ? values[name] : undefined) };
}

/** Deps with nothing configured but what a test passes. */
export function depsWith(overrides: Partial<ActivityDeps>): ActivityDeps {
  return { httpAllow: [], secrets: secretsOf({}), config: {}, connectors: [], ...overrides };
}

/** A `runAction` input with a fixed rule, run id and key unless given. */
export function call(
  action: string,
  args: Record<string, unknown>,
  idempotencyKey = 'run-1/step-3/attempt-key',
): RunActionInput {
  return { action, args, idempotencyKey, rule: 'test_rule', runId: 'run-1' };
}
