/**
 * The workflow bundle's entry point: the Temporal worker bundles this file
 * (`workflowsPath: require.resolve('./workflows')`) and registers every exported function as a
 * workflow type. Only the interpreter is exported; its type name is `INTERPRETER_WORKFLOW_TYPE`.
 */
export { INTERPRETER_VERSION, interpretRule } from './interpreter';
