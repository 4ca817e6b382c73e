import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { RuleNotFoundError } from '../errors';
import { ActiveRuleCache, activeRules } from './active-rules';
import { RuleRegistry, deployRuleSet } from './registry';

// Real PostgreSQL, one schema per test.
const EVENTS = `event stock.low {
  sku: string
  available: int
}
`;

function ruleFile(name: string, body = 'log "low ${event.sku}"', extra = ''): string {
  return `rule ${name}
  on stock.low
${extra}do
  ${body}
end
`;
}

const meta = { author: 'ana', message: 'first' };

describe('rule registry', () => {
  let fresh: FreshDatabase;
  let registry: RuleRegistry;

  beforeEach(async () => {
    fresh = await freshDatabase(4);
    registry = new RuleRegistry(fresh.db);
  });
  afterEach(async () => {
    await fresh.drop();
  });

  it('versions changed rules only, keeps source and IR, and marks missing rules removed', async () => {
    const first = await registry.deploy(
      [
        { path: 'events.rule', content: EVENTS },
        { path: 'a.rule', content: ruleFile('alpha') },
        { path: 'b.rule', content: ruleFile('beta') },
      ],
      meta,
    );
    expect(first.ok && first.changes).toEqual([
      { rule: 'alpha', change: 'added', version: 1 },
      { rule: 'beta', change: 'added', version: 1 },
    ]);

    // alpha reformatted only (same IR hash), beta changed, gamma new.
    const second = await registry.deploy(
      [
        { path: 'events.rule', content: EVENTS },
        { path: 'a.rule', content: `# comment\n${ruleFile('alpha')}` },
        { path: 'b.rule', content: ruleFile('beta', 'log "changed"') },
        { path: 'c.rule', content: ruleFile('gamma') },
      ],
      { author: 'bo', message: 'second' },
    );
    expect(second.ok && second.changes).toEqual([
      { rule: 'alpha', change: 'unchanged', version: 1 },
      { rule: 'beta', change: 'changed', version: 2 },
      { rule: 'gamma', change: 'added', version: 1 },
    ]);
    const beta2 = await registry.version('beta', 2);
    expect(beta2).toMatchObject({ author: 'bo', message: 'second', current: true, sourcePath: 'b.rule' });
    expect(beta2.source).toContain('log "changed"');
    expect(beta2.ir.name).toBe('beta');
    expect((await registry.versions('beta')).map((v) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);

    const subset = [
      { path: 'events.rule', content: EVENTS },
      { path: 'a.rule', content: ruleFile('alpha') },
    ];
    // Leaving rules out removes them only when the deploy says so; a dry run plans it.
    await expect(registry.deploy(subset, { author: 'bo' })).rejects.toThrow(/would remove 2 .*beta, gamma/);
    const plan = await registry.deploy(subset, { author: 'bo' }, { dryRun: true });
    expect(plan.ok && plan.dryRun && plan.plan.removed).toEqual(['beta', 'gamma']);
    expect((await activeRules(fresh.db)).map((r) => r.name)).toEqual(['alpha', 'beta', 'gamma']);
    const third = await registry.deploy(subset, { author: 'bo', message: 'drop' }, { prune: true });
    expect(third.ok && third.changes.filter((c) => c.change === 'removed').map((c) => c.rule)).toEqual([
      'beta',
      'gamma',
    ]);
    expect((await activeRules(fresh.db)).map((r) => r.name)).toEqual(['alpha']);
    const listed = await registry.list();
    expect(listed.find((r) => r.name === 'beta')?.removedAt).not.toBeNull();
    expect(await registry.versions('beta')).toHaveLength(2);
  });

  it('refuses an invalid set with diagnostics and changes nothing', async () => {
    await registry.deploy(
      [
        { path: 'events.rule', content: EVENTS },
        { path: 'a.rule', content: ruleFile('alpha') },
      ],
      meta,
    );
    const result = await deployRuleSet(
      fresh.db,
      [
        { path: 'events.rule', content: EVENTS },
        { path: 'a.rule', content: ruleFile('alpha', 'call no.such_action()') },
      ],
      meta,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect((await registry.versions('alpha')).length).toBe(1);
    expect((await registry.deployments()).length).toBe(1);
  });

  it('enables, disables and rolls back, with a deployment and an audit line for each', async () => {
    const files = (body: string) => [
      { path: 'events.rule', content: EVENTS },
      { path: 'a.rule', content: ruleFile('alpha', body) },
    ];
    await registry.deploy(files('log "one"'), meta);
    await registry.deploy(files('log "two"'), { author: 'bo', message: 'v2' });
    const cache = new ActiveRuleCache(fresh.db);
    expect((await cache.get()).byTrigger('stock.low').map((r) => r.version)).toEqual([2]);

    expect((await registry.setEnabled('alpha', false, { author: 'cy' })).enabled).toBe(false);
    expect((await cache.get()).byTrigger('stock.low')).toEqual([]);
    expect((await registry.setEnabled('alpha', true, { author: 'cy' })).enabled).toBe(true);

    const rolled = await registry.rollback('alpha', 1, { author: 'dee', message: 'v2 is broken' });
    expect(rolled.version).toBe(1);
    expect((await cache.get()).byTrigger('stock.low').map((r) => r.version)).toEqual([1]);
    // Deploying v2's text again makes v2 current again: versions mean content, not deploys.
    const again = await registry.deploy(files('log "two"'), meta);
    expect(again.ok && again.changes).toEqual([{ rule: 'alpha', change: 'changed', version: 2 }]);

    expect((await registry.deployments()).map((d) => [d.kind, d.author])).toEqual([
      ['deploy', 'ana'],
      ['rollback', 'dee'],
      ['enable', 'cy'],
      ['disable', 'cy'],
      ['deploy', 'bo'],
      ['deploy', 'ana'],
    ]);
    expect((await registry.audit('alpha')).map((a) => [a.action, a.actor, a.version])).toEqual([
      ['changed', 'ana', 2],
      ['rolled_back', 'dee', 1],
      ['enabled', 'cy', 2],
      ['disabled', 'cy', 2],
      ['changed', 'bo', 2],
      ['added', 'ana', 1],
    ]);
    await expect(registry.rollback('alpha', 9, meta)).rejects.toBeInstanceOf(RuleNotFoundError);
    await expect(registry.setEnabled('nope', true, meta)).rejects.toBeInstanceOf(RuleNotFoundError);
  });

  it('serialises concurrent deploys: every version number is used once', async () => {
    const deploys = Array.from({ length: 6 }, (_, i) =>
      registry.deploy(
        [
          { path: 'events.rule', content: EVENTS },
          { path: 'a.rule', content: ruleFile('alpha', `log "v${i}"`) },
        ],
        { author: `dev${i}` },
      ),
    );
    const results = await Promise.all(deploys);
    expect(results.every((r) => r.ok)).toBe(true);
    const versions = (await registry.versions('alpha')).map((v) => v.version);
    expect(versions).toEqual([6, 5, 4, 3, 2, 1]);
  });
});
