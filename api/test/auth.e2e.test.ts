import type { Role } from '../auth/roles';
import { ADMIN_TOKEN, expectProblem, startApiHarness, type ApiHarness } from './api-harness';

// Real PostgreSQL and a real Temporal dev server; every request goes through HTTP.
describe('API auth, keys and health', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const bearer = (role: Role) => `Bearer ${h.tokens[role]}`;

  it('answers /healthz without a token and /readyz with both dependencies up', async () => {
    const health = await h.http().get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await h.http().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });

  it('refuses a missing, malformed or unknown token with 401 problem+json', async () => {
    for (const header of [undefined, 'Basic abc', 'Bearer nope', `Bearer ${ADMIN_TOKEN}x`]) {
      const req = h.http().get('/v1/rules');
      const res = header === undefined ? await req : await req.set('authorization', header);
      const body = expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(body.detail).not.toContain(ADMIN_TOKEN);
    }
  });

  // Every route of the slice with the least role it needs; each refuses the role just below it.
  const routes: { method: 'get' | 'post' | 'delete'; path: string; role: Role; below: Role[] }[] = [
    { method: 'post', path: '/v1/events', role: 'ingest', below: ['viewer'] },
    { method: 'get', path: '/v1/events/some-id', role: 'viewer', below: ['ingest'] },
    { method: 'get', path: '/v1/rules', role: 'viewer', below: ['ingest'] },
    { method: 'get', path: '/v1/rules/some-rule', role: 'viewer', below: ['ingest'] },
    { method: 'post', path: '/v1/rules:validate', role: 'editor', below: ['operator', 'viewer', 'ingest'] },
    { method: 'post', path: '/v1/deployments', role: 'editor', below: ['operator', 'viewer', 'ingest'] },
    { method: 'post', path: '/v1/rules/some-rule/runs', role: 'operator', below: ['viewer', 'ingest'] },
    { method: 'get', path: '/v1/rules/some-rule/versions', role: 'viewer', below: ['ingest'] },
    { method: 'get', path: '/v1/rules/some-rule/versions/1', role: 'viewer', below: ['ingest'] },
    { method: 'get', path: '/v1/rules/some-rule/diff?from=1&to=2', role: 'viewer', below: ['ingest'] },
    { method: 'post', path: '/v1/rules/some-rule/rollback', role: 'editor', below: ['operator', 'ingest'] },
    { method: 'post', path: '/v1/rules/some-rule/enable', role: 'editor', below: ['operator', 'ingest'] },
    { method: 'post', path: '/v1/rules/some-rule/disable', role: 'editor', below: ['operator', 'ingest'] },
    { method: 'get', path: '/v1/runs', role: 'viewer', below: ['ingest'] },
    { method: 'get', path: '/v1/runs/some-run', role: 'viewer', below: ['ingest'] },
    { method: 'post', path: '/v1/runs/some-run/approve', role: 'operator', below: ['viewer', 'ingest'] },
    { method: 'post', path: '/v1/runs/some-run/cancel', role: 'operator', below: ['viewer', 'ingest'] },
    { method: 'get', path: '/v1/schedules', role: 'operator', below: ['viewer', 'ingest'] },
    ...(['pause', 'unpause', 'trigger', 'backfill'] as const).map((action) => ({
      method: 'post' as const,
      path: `/v1/schedules/some-rule/${action}`,
      role: 'operator' as const,
      below: ['viewer', 'ingest'] as Role[],
    })),
    { method: 'get', path: '/v1/audit', role: 'admin', below: ['editor', 'ingest'] },
    { method: 'post', path: '/v1/keys', role: 'admin', below: ['editor', 'ingest'] },
    { method: 'get', path: '/v1/keys', role: 'admin', below: ['editor', 'ingest'] },
    { method: 'delete', path: '/v1/keys/some-id', role: 'admin', below: ['editor', 'ingest'] },
  ];

  it.each(routes)(
    '$method $path refuses roles below $role with 403',
    async ({ method, path, role, below }) => {
      for (const low of below) {
        const res = await h.http()[method](path).set('authorization', bearer(low)).send({});
        const body = expectProblem(res, 403);
        expect(body.detail).toContain(`needs the role ${role}`);
      }
    },
  );

  it('lets ingest keys post events and nothing else', async () => {
    const res = await h
      .http()
      .post('/v1/events')
      .set('authorization', bearer('ingest'))
      .send({
        id: 'auth-ingest-1',
        // Declared without any rule: the built-in type of failed runs.
        type: 'opsflow.run_failed',
        data: { rule: 'r', version: 1, run_id: 'x', error: 'boom' },
      });
    expect(res.status).toBe(202);
    for (const route of routes.filter((r) => r.role !== 'ingest')) {
      const http = h.http();
      const refused = await http[route.method](route.path).set('authorization', bearer('ingest')).send({});
      expect(refused.status).toBe(403);
    }
  });

  it('creates a key whose token is shown once and stored hashed, lists it, and revokes it', async () => {
    const created = await h
      .http()
      .post('/v1/keys')
      .set('authorization', bearer('admin'))
      .send({ name: 'ci', role: 'viewer' });
    expect(created.status).toBe(201);
    const key = created.body as {
      id: string;
      token: string;
      role: string;
      name: string;
      tokenPrefix: string;
    };
    expect(key).toEqual(expect.objectContaining({ name: 'ci', role: 'viewer', createdBy: 'admin' }));
    expect(key.token).toMatch(/^ofk_/);
    expect(key.token.startsWith(key.tokenPrefix)).toBe(true);

    const stored = await h.database.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM api_keys WHERE id = $1',
      [key.id],
    );
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0].token_hash).not.toContain(key.token);

    const listed = await h.http().get('/v1/keys').set('authorization', bearer('admin'));
    expect(listed.status).toBe(200);
    const keys = (listed.body as { keys: Record<string, unknown>[] }).keys;
    expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining(['ci', 'ingest-key', 'viewer-key']));
    for (const k of keys) expect(k).not.toHaveProperty('token');

    expect((await h.http().get('/v1/rules').set('authorization', `Bearer ${key.token}`)).status).toBe(200);
    const revoked = await h.http().delete(`/v1/keys/${key.id}`).set('authorization', bearer('admin'));
    expect(revoked.status).toBe(204);
    expectProblem(await h.http().get('/v1/rules').set('authorization', `Bearer ${key.token}`), 401);
    expectProblem(await h.http().delete(`/v1/keys/${key.id}`).set('authorization', bearer('admin')), 404);
  });

  it('answers 422 naming the fields of a wrong key body', async () => {
    const res = await h
      .http()
      .post('/v1/keys')
      .set('authorization', bearer('admin'))
      .send({ role: 'superuser', extra: 1 });
    const body = expectProblem(res, 422);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'name', message: expect.any(String) },
        { path: 'role', message: expect.stringContaining('ingest, viewer, operator, editor, admin') },
        { path: 'extra', message: expect.stringContaining('unknown field') },
      ]),
    );
  });

  it('answers an unknown route with 404 problem+json', async () => {
    expectProblem(await h.http().get('/v1/nothing-here').set('authorization', bearer('admin')), 404);
  });
});
