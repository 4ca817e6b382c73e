/**
 * The workflow bundle's entry point: the Temporal worker bundles this file
 * (`workflowsPath: require.resolve('./workflows')`) and registers every exported function as a
 * workflow type: the interpreter (`INTERPRETER_WORKFLOW_TYPE`) and the flow-control gate
 * (`GATE_WORKFLOW_TYPE`).
 */
export { INTERPRETER_VERSION, interpretRule } from './interpreter';
export { opsflowGate } from './gate';
