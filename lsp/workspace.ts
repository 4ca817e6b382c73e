/**
 * The rule sets the editor works on: one model per rule-set folder, made of the files on disk
 * overlaid by the open documents. A file's rule set is found from its path (see `ruleSetRoot`).
 */
import { join } from 'node:path';
import { isRuleSetFile, readRuleSetFolder, readText, relativeName, ruleSetRoot, uriToPath } from './paths';
import { RuleSetModel } from './rule-set';

export interface Located {
  readonly model: RuleSetModel;
  /** The file's name in the rule set. */
  readonly file: string;
}

export class Workspace {
  private readonly models = new Map<string, RuleSetModel>();
  /** The URI the client used for each absolute path, so answers name files as the client does. */
  private readonly uris = new Map<string, string>();
  private readonly open = new Map<string, string>();

  constructor(
    private readonly folders: readonly string[],
    private readonly configured: readonly string[],
  ) {}

  all(): RuleSetModel[] {
    return [...this.models.values()];
  }

  locate(uri: string): Located | undefined {
    const path = uriToPath(uri);
    if (!path || !isRuleSetFile(path)) return undefined;
    this.uris.set(path, uri);
    const root = ruleSetRoot(path, this.folders, this.configured);
    let model = this.models.get(root);
    if (!model) {
      model = new RuleSetModel(root);
      for (const [name, content] of readRuleSetFolder(root)) model.set(name, content);
      for (const [openUri, text] of this.open) {
        const p = uriToPath(openUri);
        if (p && ruleSetRoot(p, this.folders, this.configured) === root)
          model.set(relativeName(root, p), text);
      }
      this.models.set(root, model);
    }
    return { model, file: relativeName(root, path) };
  }

  uriOf(model: RuleSetModel, file: string): string {
    const path = join(model.root, file);
    return this.uris.get(path) ?? new URL(`file://${path.split('\\').join('/')}`).href;
  }

  /** An open document's text; the model changes at once, the check runs later (debounced). */
  opened(uri: string, text: string): Located | undefined {
    this.open.set(uri, text);
    const at = this.locate(uri);
    at?.model.set(at.file, text);
    return at;
  }

  /** A closed document goes back to what is on disk (or out of the set when it is not there). */
  closed(uri: string): Located | undefined {
    this.open.delete(uri);
    return this.reloaded(uri);
  }

  /** A file changed on disk; open documents keep the editor's text. */
  reloaded(uri: string): Located | undefined {
    if (this.open.has(uri)) return undefined;
    const at = this.locate(uri);
    if (!at) return undefined;
    const text = readText(join(at.model.root, at.file));
    if (text === undefined) at.model.delete(at.file);
    else at.model.set(at.file, text);
    return at;
  }
}
