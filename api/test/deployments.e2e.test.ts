import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const RULES = `action audit.record(order_id: string) -> { ok: bool }

rule manual_audit
  manual(order_id: string)
do
  call audit.record(order_id: input.order_id)
end

rule record_big_order
  manual(order_id: string)
do
  log "big \${input.order_id}"
end
`;
const EXTRA_V = `rule extra_audit\n  manual(order_id: string)\ndo\n  log "extra \${input.order_id}"\nend\n`;

// Real PostgreSQL and the Temporal dev server: deployments through the API, as an editor.
describe('deployments: explicit removal, dry runs, versions that mean content', () => {
  let h: ApiHarness;
  const as = (role: 'viewer' | 'editor') => `Bearer ${h.tokens[role]}`;

  beforeAll(async () => {
    h = await startApiHarness();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('removes rules only when told: a subset is refused (409) unless prune, a dry run changes nothing', async () => {
    const EXTRA = EXTRA_V;
    const deploy = (body: object) =>
      h.http().post('/v1/deployments').set('authorization', as('editor')).send(body);
    const both = [
      { path: 'orders.rule', content: RULES },
      { path: 'extra.rule', content: EXTRA },
    ];
    expect((await deploy({ files: both })).status).toBe(201);

    // The tour's mistake: one file posted alone would remove the others.
    const subset = await deploy({ files: [{ path: 'extra.rule', content: EXTRA }] });
    expectProblem(subset, 409);
    expect(subset.body).toEqual(
      expect.objectContaining({
        type: expect.stringContaining('would-remove-rules'),
        rules: ['manual_audit', 'record_big_order'],
      }),
    );
    const listed = await h.http().get('/v1/rules').set('authorization', as('viewer'));
    const live = (listed.body as { rules: { name: string; removedAt: string | null }[] }).rules
      .filter((r) => r.removedAt === null)
      .map((r) => r.name);
    expect(live).toEqual(['extra_audit', 'manual_audit', 'record_big_order']);

    const plan = await deploy({ files: [{ path: 'extra.rule', content: EXTRA }], dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual(
      expect.objectContaining({
        deploymentId: null,
        dryRun: true,
        plan: {
          added: [],
          changed: [],
          removed: ['manual_audit', 'record_big_order'],
          restored: [],
          unchanged: ['extra_audit'],
        },
      }),
    );
    const deployments = await h.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM deployments',
    );
    const pruned = await deploy({ files: [{ path: 'extra.rule', content: EXTRA }], prune: true });
    expect(pruned.status).toBe(201);
    expect((pruned.body as { plan: { removed: string[] } }).plan.removed).toEqual([
      'manual_audit',
      'record_big_order',
    ]);
    const after = await h.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deployments');
    expect(after.rows[0].n).toBe(deployments.rows[0].n + 1); // the dry run left no deployment
    // Back as they were: the same content is the same version (restored, not a copy).
    const back = await deploy({ files: both });
    expect((back.body as { changes: unknown[] }).changes).toEqual([
      { rule: 'extra_audit', change: 'unchanged', version: 1 },
      { rule: 'manual_audit', change: 'restored', version: 1 },
      { rule: 'record_big_order', change: 'restored', version: 1 },
    ]);
  });

  it('versions mean content: an earlier version’s content makes that version current again', async () => {
    const deploy = (content: string) =>
      h
        .http()
        .post('/v1/deployments')
        .set('authorization', as('editor'))
        .send({
          files: [
            { path: 'orders.rule', content },
            { path: 'extra.rule', content: EXTRA_V },
          ],
          prune: true,
        });
    const changed = RULES.replace('rule manual_audit', 'rule manual_audit "audited by hand"');
    const v2 = await deploy(changed);
    expect((v2.body as { changes: unknown[] }).changes).toContainEqual({
      rule: 'manual_audit',
      change: 'changed',
      version: 2,
    });
    const again = await deploy(changed);
    expect((again.body as { changes: unknown[] }).changes).toContainEqual({
      rule: 'manual_audit',
      change: 'unchanged',
      version: 2,
    });
    const v1 = await deploy(RULES);
    expect((v1.body as { changes: unknown[] }).changes).toContainEqual({
      rule: 'manual_audit',
      change: 'changed',
      version: 1,
    });
    const versions = await h.http().get('/v1/rules/manual_audit/versions').set('authorization', as('viewer'));
    expect((versions.body as { versions: { version: number; current: boolean }[] }).versions).toEqual([
      expect.objectContaining({ version: 2, current: false }),
      expect.objectContaining({ version: 1, current: true }),
    ]);
  });
});
