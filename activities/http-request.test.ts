import { createActivities } from './index';
import { call, depsWith, failureOf, secretsOf } from './testing/helpers';
import type { TestHttpServer } from './testing/servers';
import { json, startHttpServer } from './testing/servers';

let server: TestHttpServer;

beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handle((_req, res) => json(res, 200, { ok: true }));
});

const listed = (): string[] => [`127.0.0.1:${server.port}`];

describe('http.request', () => {
  it('returns status, headers and a JSON body, and sends a stable Idempotency-Key', async () => {
    server.handle((req, res) => json(res, 201, { id: 'PO-1', path: req.url }, { 'X-Trace': 'abc' }));
    const { runAction } = createActivities(depsWith({ httpAllow: listed() }));
    const input = call('http.request', { method: 'get', url: `${server.origin}/orders?x=1` }, 'key-42');
    const first = await runAction(input);
    await runAction(input);
    expect(first.result).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-trace': 'abc' }) as unknown,
      body: { id: 'PO-1', path: '/orders?x=1' },
    });
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['key-42', 'key-42']);
    expect(server.requests[0].method).toBe('GET');
  });

  it('sends a text body as text and a structured body as JSON, and reads text responses', async () => {
    server.handle((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`got ${req.headers['content-type']}: ${req.body}`);
    });
    const { runAction } = createActivities(depsWith({ httpAllow: listed() }));
    const text = await runAction(
      call('http.request', { method: 'POST', url: `${server.origin}/t`, body: 'hello' }),
    );
    expect((text.result as { body: unknown }).body).toBe('got text/plain; charset=utf-8: hello');
    const structured = await runAction(
      call('http.request', {
        method: 'PUT',
        url: `${server.origin}/j`,
        headers: { 'X-N': 3 },
        body: { a: [1, null] },
      }),
    );
    expect((structured.result as { body: unknown }).body).toBe('got application/json: {"a":[1,null]}');
    expect(server.requests[1].headers['x-n']).toBe('3');
  });

  it('returns a redirect without following it', async () => {
    server.handle((_req, res) => {
      res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
    });
    const { runAction } = createActivities(depsWith({ httpAllow: listed() }));
    const out = await runAction(call('http.request', { method: 'GET', url: `${server.origin}/r` }));
    expect(out.result).toMatchObject({
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data' },
      body: null,
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('the allowlist', () => {
  it('refuses a loopback address that is not listed, even with a wildcard entry', async () => {
    for (const httpAllow of [[], ['*'], ['*.example.com'], ['127.0.0.1:1']]) {
      const { runAction } = createActivities(depsWith({ httpAllow }));
      const failure = await failureOf(
        runAction(call('http.request', { method: 'GET', url: `${server.origin}/` })),
      );
      expect(failure.type).toBe('HostNotAllowed');
      expect(failure.nonRetryable).toBe(true);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('allows a loopback address listed exactly, with or without the port', async () => {
    for (const httpAllow of [listed(), ['127.0.0.1']]) {
      const { runAction } = createActivities(depsWith({ httpAllow }));
      const out = await runAction(call('http.request', { method: 'GET', url: `${server.origin}/` }));
      expect(out.result).toMatchObject({ status: 200 });
    }
  });

  it('refuses a host name resolving to loopback unless the name is listed', async () => {
    const url = `http://localhost:${server.port}/named`;
    const refused = createActivities(depsWith({ httpAllow: ['*', '127.0.0.1'] }));
    const failure = await failureOf(refused.runAction(call('http.request', { method: 'GET', url })));
    expect(failure.type).toBe('HostNotAllowed');
    expect(failure.message).toMatch(/non-public address/);
    const allowed = createActivities(depsWith({ httpAllow: [`localhost:${server.port}`] }));
    const out = await allowed.runAction(call('http.request', { method: 'GET', url }));
    expect(out.result).toMatchObject({ status: 200 });
    expect(server.requests.map((r) => r.headers.host)).toEqual([`localhost:${server.port}`]);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    const { runAction } = createActivities(depsWith({ httpAllow: ['*'] }));
    for (const url of ['file:///etc/passwd', `http://user:pw@127.0.0.1:${server.port}/`, 'not a url']) {
      const failure = await failureOf(runAction(call('http.request', { method: 'GET', url })));
      expect(failure.type).toBe('InvalidInput');
    }
  });
});

describe('responses and failures', () => {
  it('caps the response size, with and without Content-Length', async () => {
    const { runAction } = createActivities(
      depsWith({ httpAllow: listed(), http: { maxResponseBytes: 1000 } }),
    );
    server.handle((_req, res) => json(res, 200, { blob: 'x'.repeat(5000) }));
    const declared = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `${server.origin}/big` })),
    );
    expect([declared.type, declared.nonRetryable]).toEqual(['ResponseTooLarge', true]);
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
      res.end();
    });
    const streamed = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `${server.origin}/stream` })),
    );
    expect(streamed.type).toBe('ResponseTooLarge');
  });

  it('classifies statuses: 408, 429 and 5xx are retryable, other 4xx are not', async () => {
    const { runAction } = createActivities(depsWith({ httpAllow: listed() }));
    const outcome = async (status: number, headers = {}): Promise<[unknown, unknown]> => {
      server.handle((_req, res) => json(res, status, { error: 'nope' }, headers));
      const f = await failureOf(
        runAction(call('http.request', { method: 'POST', url: `${server.origin}/s`, body: {} })),
      );
      return [f.type, f.nonRetryable];
    };
    expect(await outcome(503)).toEqual(['ActionUnavailable', false]);
    expect(await outcome(500)).toEqual(['ActionUnavailable', false]);
    expect(await outcome(408)).toEqual(['ActionUnavailable', false]);
    expect(await outcome(404)).toEqual(['ActionRejected', true]);
    expect(await outcome(400)).toEqual(['ActionRejected', true]);
    server.handle((_req, res) => json(res, 429, {}, { 'Retry-After': '7' }));
    const limited = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `${server.origin}/s` })),
    );
    expect([limited.type, limited.nonRetryable, limited.nextRetryDelay]).toEqual([
      'ActionUnavailable',
      false,
      7000,
    ]);
  });

  it('treats a refused connection and a silent server as retryable', async () => {
    const closed = await startHttpServer();
    const port = closed.port;
    await closed.close();
    const { runAction } = createActivities(depsWith({ httpAllow: ['127.0.0.1'], http: { timeoutMs: 300 } }));
    const refused = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `http://127.0.0.1:${port}/` })),
    );
    expect([refused.type, refused.nonRetryable]).toEqual(['ActionUnavailable', false]);
    server.handle(() => undefined);
    const silent = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `${server.origin}/hang` })),
    );
    expect([silent.type, silent.nonRetryable]).toEqual(['ActionUnavailable', false]);
  });

  it('resolves secrets into headers but keeps them out of results and errors', async () => {
    const token = 's3cr3t-token-value';
    const deps = depsWith({ httpAllow: listed(), secrets: secretsOf({ API_TOKEN: token }) });
    const { runAction } = createActivities(deps);
    server.handle((req, res) =>
      json(res, 200, { echoed: req.headers.authorization }, { 'X-Echo': String(req.headers.authorization) }),
    );
    const headers = { Authorization: { $template: ['Bearer ', { $secret: 'API_TOKEN' }] } };
    const out = await runAction(call('http.request', { method: 'GET', url: `${server.origin}/me`, headers }));
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${token}`);
    expect(JSON.stringify(out)).not.toContain(token);
    expect(out.result).toMatchObject({ body: { echoed: 'Bearer ***' }, headers: { 'x-echo': 'Bearer ***' } });
    server.handle((req, res) => json(res, 401, { error: `bad token ${String(req.headers.authorization)}` }));
    const failure = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `${server.origin}/me`, headers })),
    );
    expect(failure.type).toBe('ActionRejected');
    expect(failure.message).toContain('bad token Bearer ***');
    expect(JSON.stringify(failure)).not.toContain(token);
  });

  it('redacts a secret echoed JSON-escaped, form-encoded and in base64 (issue 12)', async () => {
    const token = 'tök/en+1 2=ß';
    const deps = depsWith({ httpAllow: listed(), secrets: secretsOf({ API_TOKEN: token }) });
    const { runAction } = createActivities(deps);
    const headers = { Authorization: { $template: ['Basic ', { $secret: 'API_TOKEN' }] } };
    const echoes = [
      // PHP's json_encode: `\/` and `\u00f6`.
      'json ' +
        JSON.stringify(token)
          .replace(/\//g, '\\/')
          .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      // Form encoding with lower-case hex and `+` for the space.
      'form ' +
        new URLSearchParams([['t', token]]).toString().replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
      'b64 ' + Buffer.from(token).toString('base64'),
      'basic ' + Buffer.from(`user:${token}`).toString('base64'),
      'b64url ' + Buffer.from(`ab${token}`).toString('base64url'),
    ];
    for (const echo of echoes) {
      server.handle((req, res) => {
        expect(req.headers.authorization).toBe(`Basic ${token}`);
        res.writeHead(401, { 'Content-Type': 'text/plain' });
        res.end(`denied: ${echo}`);
      });
      const failure = await failureOf(
        runAction(call('http.request', { method: 'GET', url: `${server.origin}/me`, headers })),
      );
      expect(failure.type).toBe('ActionRejected');
      const text = JSON.stringify(failure) + failure.message;
      expect(text).not.toContain(echo.slice(echo.indexOf(' ') + 1));
      expect(failure.message).toContain('***');
    }
  });

  it('fails for good when a secret is not defined', async () => {
    const { runAction } = createActivities(depsWith({ httpAllow: listed() }));
    const headers = { Authorization: { $secret: 'MISSING' } };
    const failure = await failureOf(
      runAction(call('http.request', { method: 'GET', url: `${server.origin}/`, headers })),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['SecretMissing', true]);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses unknown actions and malformed input', async () => {
    const { runAction } = createActivities(depsWith({ httpAllow: listed() }));
    expect((await failureOf(runAction(call('shop.nothing', {})))).type).toBe('UnknownAction');
    expect(
      (await failureOf(runAction(call('http.request', { method: 'GET', url: server.origin, extra: 1 }))))
        .type,
    ).toBe('InvalidInput');
    expect(
      (await failureOf(runAction(call('http.request', { method: 'GET', url: server.origin }, '')))).type,
    ).toBe('InvalidInput');
    const badHeader = { method: 'GET', url: server.origin, headers: { 'X-A': 'a\r\nInjected: 1' } };
    expect((await failureOf(runAction(call('http.request', badHeader)))).type).toBe('InvalidInput');
  });
});
