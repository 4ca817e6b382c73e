/** Trivial workflows that prove the Temporal servers work here (see the proof tests). */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { ProofActivities } from './proof-activities';

const { greet } = proxyActivities<ProofActivities>({ startToCloseTimeout: '10 seconds' });

/** Calls one activity and returns its result. */
export async function greetWorkflow(name: string): Promise<string> {
  return await greet(name);
}

/** Sleeps for `ms` of workflow time and returns how much workflow time passed. */
export async function sleepWorkflow(ms: number): Promise<number> {
  const started = Date.now();
  await sleep(ms);
  return Date.now() - started;
}
