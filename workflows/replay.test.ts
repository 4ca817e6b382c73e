import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { quietTemporalRuntime } from '../engine/temporal/testing/quiet-runtime';
import type { HistoryFile } from './testing/scenario-runner';
import { exampleRules, historyFromPlain } from './testing/scenario-runner';

// Version safety: every saved history (runs of the example rules, recorded by
// `workflows/testing/record-histories.ts`, one folder per interpreter version; and runs of the
// flow-control gate in `gate/`, recorded by `engine/router/testing/record-gate-histories.ts`) must
// replay against the current workflows without a determinism error. A change that would break runs in flight
// fails here; guard it with `patched()`.

quietTemporalRuntime();

const root = join(__dirname, 'histories');

function historyFiles(): { path: string; file: HistoryFile }[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ path: name, file: JSON.parse(readFileSync(join(root, name), 'utf8')) as HistoryFile }));
}

describe('replaying saved histories', () => {
  const files = historyFiles();

  it('has histories of every example rule', () => {
    const covered = new Set(files.map(({ file }) => file.scenario.split('--')[0]));
    const rules = Object.keys(exampleRules());
    expect(rules.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('replays all of them against the current interpreter', async () => {
    const histories: HistoryAndWorkflowId[] = files.map(({ file }) => ({
      workflowId: file.workflowId,
      history: historyFromPlain(file.history),
    }));
    const failures: string[] = [];
    let replayed = 0;
    const results = Worker.runReplayHistories({ workflowsPath: require.resolve('./index') }, histories);
    for await (const result of results) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId} (${result.runId}): ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
