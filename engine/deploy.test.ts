import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_SCHEMA, isKnownVariable, loadConfig } from './config';
import { projectRoot } from './paths';

// No Docker engine runs here: docker-compose.yml is checked statically against the config schema.

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(join(projectRoot(), 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const { services } = compose;

/** Compose interpolation as `docker compose` does it, with a value for each required variable. */
function interpolate(value: string): string {
  return value.replace(
    /\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g,
    (_all, _name: string, op?: string, arg?: string) =>
      op === '-' ? (arg ?? '') : op === '?' ? 'a-required-value-given-in-.env' : '',
  );
}

function opsflowServices(): [string, Service][] {
  return Object.entries(services).filter(([, s]) => s.build !== undefined);
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal and its Web UI from official images', () => {
    expect(services.postgresql.image).toMatch(/^postgres:\d+/);
    expect(services.temporal.image).toMatch(/^temporalio\/(auto-setup|server):/);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
  });

  it('scales opsflow out as two api and two worker processes of the project image', () => {
    expect(services['opsflow-api']).toMatchObject({ command: ['api'], deploy: { replicas: 2 } });
    expect(services['opsflow-worker']).toMatchObject({ command: ['worker'], deploy: { replicas: 2 } });
    expect(
      opsflowServices()
        .map(([name]) => name)
        .sort(),
    ).toEqual(['opsflow-api', 'opsflow-worker']);
  });

  it('gives every opsflow process the same configuration', () => {
    const [first, ...rest] = opsflowServices().map(([, s]) => s.environment);
    for (const env of rest) expect(env).toEqual(first);
  });

  it('sets only variables the configuration schema knows', () => {
    for (const [name, service] of opsflowServices()) {
      const unknown = Object.keys(service.environment ?? {}).filter(
        (key) => /^(OPSFLOW_|DATABASE_URL$|TEMPORAL_|PORT$)/.test(key) && !isKnownVariable(key),
      );
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });

  it('sets every variable required in production, and passes validation for api and worker', () => {
    const required = CONFIG_SCHEMA.filter((v) => v.requiredInProduction).map((v) => v.name);
    expect(required).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS', 'OPSFLOW_ADMIN_TOKEN']),
    );
    for (const [name, service] of opsflowServices()) {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]),
      );
      for (const variable of required)
        expect({ service: name, variable, set: Boolean(env[variable]) }).toMatchObject({ set: true });
      const role = service.command?.[0] === 'api' ? 'api' : 'worker';
      const config = loadConfig(env, { cwd: '/app', role });
      expect(config).toMatchObject({
        production: true,
        database: { kind: 'postgres' },
        temporal: { kind: 'remote', address: 'temporal:7233' },
        rulesDir: '/rules',
      });
    }
  });

  it('points opsflow at the services it defines', () => {
    const env = services['opsflow-api'].environment ?? {};
    expect(interpolate(env.DATABASE_URL)).toBe('postgres://opsflow:opsflow@postgresql:5432/opsflow');
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });
});
