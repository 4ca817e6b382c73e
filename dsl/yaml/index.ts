/**
 * yaml: the front end of the YAML form. Takes the text of a `.rule.yaml` file; gives the same AST
 * (`ast/`) the textual DSL gives, comments included, and diagnostics located in the YAML source
 * (down to the character inside an expression scalar). Expressions inside it are read by `text/`.
 */
export { ACTION_KEYS, EVENT_KEYS, RULE_KEYS, parseYaml } from './parse-yaml';
export { STEP_KEYS } from './steps';
