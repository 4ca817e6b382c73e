import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA, isKnownVariable, loadConfig, renderConfigTable } from './config';
import { ConfigError } from './errors';
import { projectRoot } from './paths';

const cwd = '/srv/opsflow';
const production = {
  DATABASE_URL: 'postgres://opsflow:pw@db.internal:5432/opsflow',
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  OPSFLOW_ADMIN_TOKEN: 'a-long-enough-admin-token',
};

function problemsOf(env: Record<string, string>, role?: 'start' | 'api' | 'worker' | 'migrate'): string {
  try {
    loadConfig(env, { cwd, ...(role ? { role } : {}) });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to embedded mode under ./data', () => {
    const config = loadConfig({}, { cwd });
    expect(config).toMatchObject({
      production: false,
      database: { kind: 'pglite', dataDir: '/srv/opsflow/data/pg' },
      temporal: {
        kind: 'embedded',
        namespace: 'default',
        port: 7233,
        uiPort: 8233,
        dbFile: '/srv/opsflow/data/temporal.db',
      },
      dataDir: '/srv/opsflow/data',
      rulesDir: '/srv/opsflow/rules',
      port: 8080,
      httpAllow: [],
      taskQueue: 'opsflow',
      maxCausalDepth: 8,
      routerPollMs: 200,
      ingestRateLimit: 1000,
      logLevel: 'info',
    });
    expect(config.adminToken).toBeUndefined();
    expect(config.smtp).toBeUndefined();
    expect(config.slack).toBeUndefined();
  });

  it('reads a production configuration', () => {
    const config = loadConfig(
      {
        ...production,
        TEMPORAL_NAMESPACE: 'shop',
        OPSFLOW_DATA_DIR: '/var/lib/opsflow',
        OPSFLOW_RULES: 'rules-prod',
        PORT: '9000',
        OPSFLOW_HTTP_ALLOW: 'api.shop.example, *.example.com,127.0.0.1:8081',
        OPSFLOW_TASK_QUEUE: 'ops',
        OPSFLOW_MAX_CAUSAL_DEPTH: '3',
        OPSFLOW_SECRETS_FILE: 'secrets.yaml',
        OPSFLOW_SLACK_WEBHOOK_URL: 'https://hooks.slack.example/T/B/x',
        OPSFLOW_SMTP_URL: 'smtps://ops%40shop:p%40ss@mail.shop.example',
        OPSFLOW_SMTP_FROM: 'opsflow <ops@shop.example>',
      },
      { cwd, role: 'api' },
    );
    expect(config).toMatchObject({
      production: true,
      database: { kind: 'postgres', url: production.DATABASE_URL },
      temporal: { kind: 'remote', address: 'temporal.internal:7233', namespace: 'shop' },
      dataDir: '/var/lib/opsflow',
      rulesDir: '/srv/opsflow/rules-prod',
      port: 9000,
      adminToken: production.OPSFLOW_ADMIN_TOKEN,
      httpAllow: ['api.shop.example', '*.example.com', '127.0.0.1:8081'],
      taskQueue: 'ops',
      maxCausalDepth: 3,
      secretsFile: '/srv/opsflow/secrets.yaml',
      slack: { webhookUrl: 'https://hooks.slack.example/T/B/x' },
      smtp: {
        host: 'mail.shop.example',
        port: 465,
        secure: true,
        auth: { user: 'ops@shop', pass: 'p@ss' },
        from: 'opsflow <ops@shop.example>',
      },
    });
  });

  it('reads SMTP from host, port and credentials', () => {
    const config = loadConfig({
      OPSFLOW_SMTP_HOST: 'localhost',
      OPSFLOW_SMTP_USER: 'u',
      OPSFLOW_SMTP_PASSWORD: 'p',
      OPSFLOW_SMTP_FROM: 'ops@shop.example',
    });
    expect(config.smtp).toEqual({
      host: 'localhost',
      port: 587,
      secure: false,
      auth: { user: 'u', pass: 'p' },
      from: 'ops@shop.example',
    });
  });

  it('treats servers on this machine as development, blank values as unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      TEMPORAL_ADDRESS: 'localhost:7233',
      OPSFLOW_HTTP_ALLOW: '',
      OPSFLOW_ADMIN_TOKEN: '  ',
    });
    expect(config.production).toBe(false);
    expect(config.adminToken).toBeUndefined();
  });

  it('reports every problem at once, naming the variable', () => {
    const message = problemsOf({
      PORT: 'eighty',
      OPSFLOW_TEMPORAL_UI_PORT: '70000',
      OPSFLOW_MAX_CAUSAL_DEPTH: '0',
      OPSFLOW_HTTP_ALLOW: 'api.shop.example:port',
      OPSFLOW_ADMIN_TOKEN: 'short',
    });
    expect(message).toMatch(/^invalid configuration:/);
    expect(message).toContain('PORT: expected a whole number from 1 to 65535, got "eighty"');
    expect(message).toContain(
      'OPSFLOW_TEMPORAL_UI_PORT: expected a whole number from 1 to 65535, got "70000"',
    );
    expect(message).toContain('OPSFLOW_MAX_CAUSAL_DEPTH: expected a whole number from 1 to 100, got "0"');
    expect(message).toMatch(/OPSFLOW_HTTP_ALLOW: invalid entry "api.shop.example:port"/);
    expect(message).toContain('OPSFLOW_ADMIN_TOKEN: must be at least 16 characters');
  });

  it('reads the ingest rate limit (0 is off) and the log level, and refuses bad values', () => {
    expect(loadConfig({ OPSFLOW_INGEST_RATE_LIMIT: '0', OPSFLOW_LOG_LEVEL: 'DEBUG' }, { cwd })).toMatchObject(
      {
        ingestRateLimit: 0,
        logLevel: 'debug',
      },
    );
    const message = problemsOf({ OPSFLOW_INGEST_RATE_LIMIT: '-5', OPSFLOW_LOG_LEVEL: 'verbose' });
    expect(message).toContain(
      'OPSFLOW_INGEST_RATE_LIMIT: expected a whole number from 0 to 1000000, got "-5"',
    );
    expect(message).toContain(
      'OPSFLOW_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
    expect(problemsOf({ OPSFLOW_INGEST_RATE_LIMIT: '2.5' })).toContain('OPSFLOW_INGEST_RATE_LIMIT: expected');
  });

  it('never echoes a secret in an error', () => {
    const message = problemsOf({
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      OPSFLOW_SLACK_WEBHOOK_URL: 'ftp://hunter3',
      OPSFLOW_SMTP_URL: 'http://u:hunter4@mail',
      OPSFLOW_SMTP_FROM: 'ops@shop.example',
    });
    expect(message).toContain('DATABASE_URL: expected postgres://');
    expect(message).toContain('OPSFLOW_SLACK_WEBHOOK_URL: must be an http(s) URL');
    expect(message).toContain('OPSFLOW_SMTP_URL: expected smtp://');
    expect(message).not.toMatch(/hunter/);
  });

  it('requires the shared servers and the admin token in production', () => {
    expect(problemsOf({ TEMPORAL_ADDRESS: 'temporal.internal:7233' })).toMatch(
      /DATABASE_URL: required when TEMPORAL_ADDRESS points at a remote server[\s\S]*OPSFLOW_ADMIN_TOKEN: required in production/,
    );
    expect(problemsOf({ DATABASE_URL: production.DATABASE_URL })).toContain(
      'TEMPORAL_ADDRESS: required when DATABASE_URL points at a remote server',
    );
    // Migrations do not serve the API: no token needed.
    const { OPSFLOW_ADMIN_TOKEN: _token, ...withoutToken } = production;
    expect(loadConfig(withoutToken, { role: 'migrate' }).production).toBe(true);
    expect(problemsOf(withoutToken, 'api')).toContain('OPSFLOW_ADMIN_TOKEN: required in production');
  });

  it('refuses embedded servers for scaled-out api and worker processes', () => {
    const message = problemsOf({}, 'worker');
    expect(message).toContain('DATABASE_URL: required by `opsflow worker`');
    expect(message).toContain('TEMPORAL_ADDRESS: required by `opsflow worker`');
  });

  it('checks TEMPORAL_ADDRESS and the SMTP settings', () => {
    expect(problemsOf({ TEMPORAL_ADDRESS: 'http://temporal:7233' })).toContain(
      'TEMPORAL_ADDRESS: expected host:port (e.g. temporal:7233), got "http://temporal:7233"',
    );
    expect(problemsOf({ OPSFLOW_SMTP_HOST: 'mail' })).toContain(
      'OPSFLOW_SMTP_FROM: required when SMTP is configured',
    );
    expect(problemsOf({ OPSFLOW_SMTP_FROM: 'a@b' })).toContain('OPSFLOW_SMTP_FROM: set, but neither');
    expect(
      problemsOf({ OPSFLOW_SMTP_HOST: 'mail', OPSFLOW_SMTP_FROM: 'a@b', OPSFLOW_SMTP_USER: 'u' }),
    ).toContain('OPSFLOW_SMTP_USER / OPSFLOW_SMTP_PASSWORD: set both or neither');
  });
});

describe('the configuration schema', () => {
  it('has unique names, and knows the secret variable family', () => {
    const names = CONFIG_SCHEMA.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(isKnownVariable('OPSFLOW_SECRET_SHOP_TOKEN')).toBe(true);
    expect(isKnownVariable('OPSFLOW_TYPO')).toBe(false);
  });

  it('renders a table with one row per variable', () => {
    const table = renderConfigTable();
    expect(table.trim().split('\n')).toHaveLength(CONFIG_SCHEMA.length + 2);
    expect(table).toContain('| `PORT` | `8080` | HTTP port of the REST API. |');
  });

  it('is documented in docs/operations.md, with each default', () => {
    const doc = readFileSync(join(projectRoot(), 'docs', 'operations.md'), 'utf8');
    for (const v of CONFIG_SCHEMA) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${v.name}\``));
      expect({ name: v.name, documented: row !== undefined }).toEqual({ name: v.name, documented: true });
      if (v.default)
        expect({ name: v.name, row }).toEqual({
          name: v.name,
          row: expect.stringContaining(`\`${v.default}\``),
        });
    }
  });
});
