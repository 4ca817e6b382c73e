import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from './errors';
import { SecretScope, chainSecrets, envSecrets, fileSecrets, parseSecretsFile } from './secrets';

describe('secret resolvers', () => {
  it('reads prefixed environment variables, and only valid names', async () => {
    const env = { OPSFLOW_SECRET_SHOP_TOKEN: 'abc', SHOP_TOKEN: 'unprefixed', OPSFLOW_SECRET_: 'empty-name' };
    const secrets = envSecrets(env);
    expect(await secrets.resolve('SHOP_TOKEN')).toBe('abc');
    expect(await secrets.resolve('OTHER')).toBeUndefined();
    expect(await secrets.resolve('')).toBeUndefined();
    expect(await envSecrets(env, 'X_').resolve('SHOP_TOKEN')).toBeUndefined();
  });

  it('reads a YAML secrets file and picks up changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsflow-secrets-'));
    try {
      const file = join(dir, 'secrets.yaml');
      const secrets = fileSecrets(file);
      expect(await secrets.resolve('A')).toBeUndefined();
      await writeFile(file, 'A: first\nPORT: 8080\n');
      expect(await secrets.resolve('A')).toBe('first');
      expect(await secrets.resolve('PORT')).toBe('8080');
      await writeFile(file, 'A: second-longer\n');
      expect(await secrets.resolve('A')).toBe('second-longer');
      expect(await secrets.resolve('PORT')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed secrets file without echoing its content', () => {
    for (const text of ['[a, b]', 'A: { nested: hunter2 }', 'A: "unterminated']) {
      let message = '';
      try {
        parseSecretsFile(text);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/secrets file/);
      expect(message).not.toContain('hunter2');
    }
    expect(parseSecretsFile('').size).toBe(0);
  });

  it('chains resolvers, first defined wins', async () => {
    const secrets = chainSecrets(
      envSecrets({ OPSFLOW_SECRET_A: 'env' }),
      envSecrets({ OPSFLOW_SECRET_A: 'x', OPSFLOW_SECRET_B: 'file' }),
    );
    expect([await secrets.resolve('A'), await secrets.resolve('B'), await secrets.resolve('C')]).toEqual([
      'env',
      'file',
      undefined,
    ]);
  });
});

describe('SecretScope', () => {
  it('resolves markers and templates deep inside values', async () => {
    const scope = new SecretScope(envSecrets({ OPSFLOW_SECRET_T: 'p@ss word' }));
    const value = await scope.resolveDeep({
      a: { $secret: 'T' },
      b: [{ $template: ['Bearer ', { $secret: 'T' }, '!'] }],
      c: { $secret: 'T', other: 1 },
      n: 3,
    });
    expect(value).toEqual({ a: 'p@ss word', b: ['Bearer p@ss word!'], c: { $secret: 'T', other: 1 }, n: 3 });
  });

  it('redacts raw, URL-encoded and JSON-escaped forms of resolved secrets', async () => {
    const scope = new SecretScope(envSecrets({ OPSFLOW_SECRET_T: 'a"b c/d' }));
    await scope.resolve('T');
    const text = `raw a"b c/d url ${encodeURIComponent('a"b c/d')} json ${JSON.stringify('a"b c/d')}`;
    expect(scope.redact(text)).toBe('raw *** url *** json "***"');
    expect(scope.redactDeep({ 'key a"b c/d': ['x a"b c/d'] })).toEqual({ 'key ***': ['x ***'] });
  });

  it('fails for good on an undefined secret, naming it but no value', async () => {
    const scope = new SecretScope(envSecrets({}));
    const failure = toApplicationFailure(await scope.resolve('NOPE').catch((e: unknown) => e), (t) => t);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'SecretMissing',
      true,
      'secret "NOPE" is not defined',
    ]);
  });
});
