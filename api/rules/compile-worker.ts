/**
 * The body of a compile worker thread (see `compile-pool.ts`): compiles the rule sets it is sent,
 * one at a time, and answers with their IR and diagnostics only (not the ASTs, which would be
 * copied back for nothing).
 */
import { parentPort } from 'node:worker_threads';
import { compileRuleSet, type RuleSetInput } from '../../dsl';

/** A job for the worker. */
export interface CompileJob {
  readonly id: number;
  readonly files: readonly RuleSetInput[];
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: CompileJob) => {
    try {
      const { rules, diagnostics } = compileRuleSet(job.files);
      port.postMessage({ id: job.id, rules, diagnostics });
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
