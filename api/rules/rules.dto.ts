/** Request bodies of the rule routes, read by hand-written checks. */
import type { RuleSetInput } from '../../engine/rule-validation';
import { BodyReader, asRecord } from '../common/body';

/** `{ files: [{ path, content }], message? }` */
export interface RuleFilesBody {
  readonly files: readonly RuleSetInput[];
  readonly message?: string;
  /** Deployments only: remove the deployed rules the set leaves out. */
  readonly prune?: boolean;
  /** Deployments only: answer the plan, change nothing. */
  readonly dryRun?: boolean;
}

/** Files in one request at most. */
export const MAX_RULE_FILES = 500;

/** Reads the body of `POST /v1/rules:validate` (`message` not allowed) or `/v1/deployments`. */
export function readRuleFilesBody(body: unknown, withMessage: boolean): RuleFilesBody {
  const reader = new BodyReader(body, withMessage ? ['files', 'message', 'prune', 'dryRun'] : ['files']);
  const files: RuleSetInput[] = [];
  const given = reader.fields.files;
  if (!Array.isArray(given) || given.length === 0) {
    reader.errors.push({ path: 'files', message: 'required: a non-empty array of { path, content }' });
  } else if (given.length > MAX_RULE_FILES) {
    reader.errors.push({ path: 'files', message: `at most ${MAX_RULE_FILES} files` });
  } else {
    const seen = new Map<string, unknown>();
    given.forEach((item: unknown, i) => {
      const file = asRecord(item);
      if (!file) {
        reader.errors.push({ path: `files[${i}]`, message: 'expected { path, content }' });
        return;
      }
      for (const key of Object.keys(file)) {
        if (key !== 'path' && key !== 'content') {
          reader.errors.push({
            path: `files[${i}].${key}`,
            message: 'unknown field (expected path, content)',
          });
        }
      }
      const path = reader.text(`files[${i}].path`, file.path, 500);
      if (typeof file.content !== 'string') {
        reader.errors.push({ path: `files[${i}].content`, message: 'required: the text of the file' });
      }
      const earlier = path === undefined ? undefined : seen.get(path);
      // The same file twice says one thing; one path with two contents is ambiguous.
      if (earlier !== undefined && earlier !== file.content) {
        reader.errors.push({
          path: `files[${i}].path`,
          message: `${path} is given twice, with different content`,
        });
        return;
      }
      if (path === undefined || typeof file.content !== 'string' || earlier !== undefined) return;
      seen.set(path, file.content);
      files.push({ path, content: file.content });
    });
  }
  const message = withMessage ? reader.optionalText('message', reader.fields.message) : undefined;
  const flag = (name: 'prune' | 'dryRun'): boolean | undefined => {
    const value = reader.fields[name];
    if (value === undefined || typeof value === 'boolean') return value;
    reader.errors.push({ path: name, message: 'expected true or false' });
    return undefined;
  };
  const prune = withMessage ? flag('prune') : undefined;
  const dryRun = withMessage ? flag('dryRun') : undefined;
  reader.done();
  return {
    files,
    ...(message !== undefined ? { message } : {}),
    ...(prune !== undefined ? { prune } : {}),
    ...(dryRun !== undefined ? { dryRun } : {}),
  };
}
