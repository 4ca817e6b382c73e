import { existsSync } from 'node:fs';
import { type ConnectorDecl, fileKind, parseRuleSet, renderDiagnostics } from '../../dsl';
import { ConfigError } from '../errors';
import { readRuleSet } from '../rule-files';

/**
 * The connectors (`*.connector.yaml`) of the rule folder, for the worker's activities. Only
 * connector problems stop the worker: rule errors are the registry's to refuse at deploy time.
 */
export function loadConnectors(rulesDir: string, log: (line: string) => void): ConnectorDecl[] {
  if (!existsSync(rulesDir)) {
    log(`no rule folder at ${rulesDir} (OPSFLOW_RULES): the worker runs with no connectors`);
    return [];
  }
  const read = readRuleSet([rulesDir], rulesDir);
  const files = read.files.filter((f) => fileKind(f.path) === 'connector');
  const parsed = parseRuleSet(files);
  const errors = [...read.diagnostics, ...parsed.diagnostics].filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const sources = new Map(files.map((f) => [f.path, f.content]));
    throw new ConfigError(
      `the connectors in ${rulesDir} have errors:\n${renderDiagnostics(errors, sources)}`,
    );
  }
  return parsed.connectors;
}
