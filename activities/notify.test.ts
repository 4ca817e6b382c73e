import { messageIdFor } from './email';
import { createActivities } from './index';
import { call, depsWith, failureOf } from './testing/helpers';
import type { TestHttpServer, TestSmtpServer } from './testing/servers';
import { startHttpServer, startSmtpServer } from './testing/servers';

describe('notify.slack', () => {
  let hook: TestHttpServer;
  beforeAll(async () => {
    hook = await startHttpServer((_req, res) => res.end('ok'));
  });
  afterAll(() => hook.close());
  beforeEach(() => {
    hook.requests.length = 0;
    hook.handle((_req, res) => res.end('ok'));
  });

  const webhookUrl = (): string => `${hook.origin}/services/T000/B000/XXXXSECRETPATH`;

  it('posts {channel, text} as JSON to the configured webhook', async () => {
    const deps = depsWith({ httpAllow: [`127.0.0.1:${hook.port}`], slack: { webhookUrl: webhookUrl() } });
    const { runAction } = createActivities(deps);
    const out = await runAction(
      call('notify.slack', { channel: '#ops', text: 'PO 7 is late — 库存不足' }, 'k-slack'),
    );
    expect(out).toEqual({ result: {} });
    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    expect([req.method, req.url, req.headers['content-type'], req.headers['idempotency-key']]).toEqual([
      'POST',
      '/services/T000/B000/XXXXSECRETPATH',
      'application/json',
      'k-slack',
    ]);
    expect(JSON.parse(req.body)).toEqual({ channel: '#ops', text: 'PO 7 is late — 库存不足' });
  });

  it('keeps the webhook URL out of failure messages', async () => {
    hook.handle((req, res) => {
      res.writeHead(404);
      res.end(`no such hook ${req.url}`);
    });
    const deps = depsWith({ httpAllow: [`127.0.0.1:${hook.port}`], slack: { webhookUrl: webhookUrl() } });
    const failure = await failureOf(
      createActivities(deps).runAction(call('notify.slack', { channel: '#ops', text: 'x' })),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['ActionRejected', true]);
    expect(failure.message).not.toContain('XXXXSECRETPATH');
    expect(failure.message).toContain('no such hook ***');
  });

  it('fails for good without a webhook, with a secret in the text, or with a missing argument', async () => {
    const unconfigured = createActivities(depsWith({ httpAllow: ['*'] }));
    expect(
      (await failureOf(unconfigured.runAction(call('notify.slack', { channel: '#a', text: 't' })))).type,
    ).toBe('NotConfigured');
    const { runAction } = createActivities(
      depsWith({ httpAllow: [`127.0.0.1:${hook.port}`], slack: { webhookUrl: webhookUrl() } }),
    );
    const secret = await failureOf(
      runAction(call('notify.slack', { channel: '#a', text: { $template: ['t ', { $secret: 'X' }] } })),
    );
    expect([secret.type, secret.nonRetryable]).toEqual(['SecretNotAllowed', true]);
    expect((await failureOf(runAction(call('notify.slack', { channel: '#a' })))).type).toBe('InvalidInput');
    expect(hook.requests).toHaveLength(0);
  });
});

describe('notify.email', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());
  beforeEach(() => {
    smtp.messages.length = 0;
    smtp.rejectRecipients(undefined);
  });

  const activities = () =>
    createActivities(
      depsWith({
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'opsflow <ops@shop.example>', timeoutMs: 5000 },
      }),
    );

  it('delivers over SMTP with sender, recipients, subject, body and a Message-ID from the idempotency key', async () => {
    const { runAction } = activities();
    const args = {
      to: ['buyer@shop.example', 'lead@shop.example'],
      subject: 'PO 7 not confirmed',
      body: 'Please call the supplier.',
    };
    const out = await runAction(call('notify.email', args, 'run-9/step-4'));
    await runAction(call('notify.email', args, 'run-9/step-4'));
    expect(out).toEqual({ result: {} });
    expect(smtp.messages).toHaveLength(2);
    const [mail, again] = smtp.messages;
    expect(mail.from).toBe('ops@shop.example');
    expect(mail.to).toEqual(['buyer@shop.example', 'lead@shop.example']);
    expect(mail.headers.get('subject')).toBe('PO 7 not confirmed');
    expect(mail.headers.get('from')).toBe('opsflow <ops@shop.example>');
    expect(mail.headers.get('message-id')).toBe(messageIdFor('run-9/step-4', 'shop.example'));
    expect(again.headers.get('message-id')).toBe(mail.headers.get('message-id'));
    expect(mail.body.trim()).toBe('Please call the supplier.');
  });

  it('refuses bad addresses before connecting', async () => {
    const { runAction } = activities();
    for (const to of ['not-an-address', 'a@b.example\r\nBcc: x@y.example', '', [], ['a@b.example', 7]]) {
      const failure = await failureOf(runAction(call('notify.email', { to, subject: 's', body: 'b' })));
      expect([failure.type, failure.nonRetryable]).toEqual(['InvalidInput', true]);
    }
    expect(smtp.messages).toHaveLength(0);
  });

  it('takes a text as one address: data cannot add recipients (issue 12)', async () => {
    const { runAction } = activities();
    for (const to of ['a@b.com,x@evil.com', 'a@b.com; x@evil.com', ['a@b.com,x@evil.com']]) {
      const failure = await failureOf(runAction(call('notify.email', { to, subject: 's', body: 'b' })));
      expect([failure.type, failure.nonRetryable]).toEqual(['InvalidInput', true]);
      expect(failure.message).toContain('must be one email address');
    }
    expect(smtp.messages).toHaveLength(0);
    await runAction(call('notify.email', { to: ' buyer@shop.example ', subject: 's', body: 'b' }));
    expect(smtp.messages.map((m) => m.to)).toEqual([['buyer@shop.example']]);
  });

  it('maps SMTP 5xx to a rejection and 4xx to a retryable failure', async () => {
    const { runAction } = activities();
    const args = { to: 'buyer@shop.example', subject: 's', body: 'b' };
    smtp.rejectRecipients(550);
    const rejected = await failureOf(runAction(call('notify.email', args)));
    expect([rejected.type, rejected.nonRetryable]).toEqual(['ActionRejected', true]);
    smtp.rejectRecipients(451);
    const later = await failureOf(runAction(call('notify.email', args)));
    expect([later.type, later.nonRetryable]).toEqual(['ActionUnavailable', false]);
  });

  it('fails for good when SMTP is not configured', async () => {
    const { runAction } = createActivities(depsWith({}));
    const failure = await failureOf(
      runAction(call('notify.email', { to: 'a@b.example', subject: 's', body: 'b' })),
    );
    expect(failure.type).toBe('NotConfigured');
  });
});

describe('configuration', () => {
  it('refuses a malformed webhook URL at start, without echoing it', () => {
    expect(() => createActivities(depsWith({ slack: { webhookUrl: 'hooks.example/T0/SECRET' } }))).toThrow(
      'slack.webhookUrl must be an http(s) URL',
    );
  });
});
