import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { renderDiagnostics } from '../../dsl';
import { createApprovalActivities } from '../approvals/inbox';
import { createEmitEvent, EventStore } from '../ingest';
import { ActiveRuleCache, RuleRegistry } from '../registry';
import { createGateActivities, createSubscriptionActivities, Router } from '../router';
import { readRuleSet } from '../rule-files';
import { createReadWindow } from '../windows/read-window';
import type { EnginePart, ProcessContext, RunningPart } from './extension';

export interface EnginePartOptions {
  /** Deploy `OPSFLOW_RULES` at boot and on SIGHUP (`opsflow start`). */
  readonly deployRules: boolean;
  /** Run the outbox router loop in this process. */
  readonly router: boolean;
}

/**
 * The engine core as a process part: subscriptions and `emit` for the worker, the rule folder
 * deployed at boot (and again on SIGHUP), and the router loop. An invalid rule folder is
 * reported and refused; the versions already deployed keep running.
 */
export function enginePart(options: EnginePartOptions): EnginePart {
  // One cache per process: the event store and the router read the active rules once per change.
  let rules: ActiveRuleCache | undefined;
  const cache = (ctx: ProcessContext): ActiveRuleCache => (rules ??= new ActiveRuleCache(ctx.db));
  // The store of events from runs (`emit`, `opsflow.run_failed`).
  const eventStore = (ctx: ProcessContext): EventStore =>
    new EventStore(ctx.db, {
      maxCausalDepth: ctx.config.maxCausalDepth,
      rules: cache(ctx),
      onStored: () => ctx.eventsStored.notify(),
    });
  let router: Router | undefined;
  let stopListening: (() => void) | undefined;
  return {
    name: 'engine',
    engineActivities: (ctx) => ({
      ...createSubscriptionActivities({ db: ctx.db, client: ctx.client }),
      ...createApprovalActivities(ctx.db),
      // The flow-control gates' start (workflows/gate.ts) runs where the engine's activities do.
      ...createGateActivities({
        db: ctx.db,
        client: ctx.client,
        taskQueue: ctx.config.taskQueue,
        replaceGraceMs: 10_000,
      }),
    }),
    emitEvent: (ctx) => createEmitEvent(eventStore(ctx)),
    readWindow: (ctx) => createReadWindow(ctx.db),
    async start(ctx): Promise<RunningPart> {
      const onHangup = (): void => {
        ctx.log('SIGHUP: deploying the rule folder again');
        void deployFolder(ctx);
      };
      if (options.deployRules) {
        await deployFolder(ctx);
        process.on('SIGHUP', onHangup);
      }
      if (options.router) {
        router = new Router({
          db: ctx.db,
          client: ctx.client,
          taskQueue: ctx.config.taskQueue,
          rules: cache(ctx),
          pollIntervalMs: ctx.config.routerPollMs,
          onError: (err, eventId) =>
            ctx.log(`routing event ${eventId} failed: ${err instanceof Error ? err.message : String(err)}`),
        });
        router.start();
        const running = router;
        stopListening = ctx.eventsStored.listen(() => running.wake());
        ctx.log('router started');
      }
      return {
        async stop() {
          process.removeListener('SIGHUP', onHangup);
          stopListening?.();
          await router?.stop();
          router = undefined;
        },
      };
    },
  };
}

async function deployFolder(ctx: ProcessContext): Promise<void> {
  const dir = ctx.config.rulesDir;
  if (!existsSync(dir)) {
    ctx.log(`no rule folder at ${dir} (OPSFLOW_RULES): nothing deployed`);
    return;
  }
  try {
    const read = readRuleSet([dir], dir);
    const sources = new Map(read.files.map((f) => [f.path, f.content]));
    if (read.diagnostics.length > 0) {
      ctx.log(`the rule folder ${dir} was not deployed:\n${renderDiagnostics(read.diagnostics, sources)}`);
      return;
    }
    // The folder is deployed only when its content changed since the last folder deploy: what
    // operators did since (a rollback, a disable) survives a restart of an unchanged folder.
    const digest = folderDigest(read.files);
    const registry = new RuleRegistry(ctx.db);
    const last = await registry.lastFolderDeploy();
    if (last?.digest === digest) {
      const kept = last.since.map(
        (c) => `${c.rule} v${c.version} (${c.change.replace('_', ' ')} by ${c.by} at ${c.at})`,
      );
      ctx.log(
        `folder ${dir} unchanged since its deploy at ${last.at}` +
          (kept.length > 0 ? `; keeping ${kept.join(', ')}` : '; nothing to deploy'),
      );
      return;
    }
    // The folder is the whole set: rules it no longer holds are removed.
    const result = await registry.deploy(
      read.files,
      { author: 'opsflow start', message: `deploy of ${dir}` },
      { prune: true, folderDigest: digest },
    );
    if (!result.ok) {
      ctx.log(
        `the rule folder ${dir} has errors; the deployed versions keep running:\n${renderDiagnostics(result.diagnostics, sources)}`,
      );
      return;
    }
    const changed = result.changes.filter((c) => c.change !== 'unchanged');
    ctx.log(
      `deployed ${dir}: ${result.changes.length} rule(s), ${changed.length} changed` +
        (changed.length > 0
          ? ` (${changed.map((c) => `${c.rule} ${c.change} v${c.version}`).join(', ')})`
          : ''),
    );
  } catch (err) {
    ctx.log(`deploying ${dir} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The digest of a rule folder's content: every file's path and text, in path order. */
export function folderDigest(files: readonly { readonly path: string; readonly content: string }[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${f.path}\u0000${f.content.length}\u0000${f.content}\u0000`);
  }
  return hash.digest('hex');
}
