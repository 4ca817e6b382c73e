// Lint the TypeScript sources with typescript-eslint's recommended rules; formatting is Prettier's.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/** Node's built-in modules and the packages that reach the network or the database. */
const NODE_APIS = {
  group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process', 'pg'],
  message: 'code that runs in the workflow sandbox has no Node APIs and no network.',
};
/** What workflow code may not import: Node, the engine, the API. */
const WORKFLOW_SANDBOX = [
  NODE_APIS,
  { group: ['../engine/*', '../api/*'], message: 'workflow code imports neither the engine nor the API.' },
];
/** Outside dsl/, the rule language is imported through `dsl` or `dsl/runtime`, nothing deeper. */
const DSL_FACES = {
  regex: '(^|/)dsl/(?!runtime$)',
  message: 'import the rule language through its faces: `dsl` (dsl/index.ts) or `dsl/runtime`.',
};

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'console/dist/', 'data/', 'coverage/', '.cache/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // dsl/ shows its insides only through its faces: `dsl` (dsl/index.ts) and `dsl/runtime`.
    files: ['**/*.ts'],
    ignores: ['dsl/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DSL_FACES] }] },
  },
  {
    // The language server (lsp/) takes the rule language through the `dsl` face only, and nothing
    // of the engine, the API, workflows or activities; the rest of opsflow uses lsp/ through its
    // face, lsp/index.ts (the `opsflow lsp` command loads it).
    files: ['lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DSL_FACES,
            {
              regex: '(^|/)dsl/runtime(/|$)',
              message: 'lsp/ uses the rule language through the `dsl` face.',
            },
            {
              regex: '^\\.\\./(\\.\\./)*(engine|api|workflows|activities|console)(/|$)',
              message: 'lsp/ imports only the `dsl` face of opsflow.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['dsl/**', 'lsp/**', 'api/**', 'workflows/**', 'bench/**', 'faults/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DSL_FACES,
            {
              regex: '(^|/)lsp/(?!index$)',
              message: 'import the language server through its face: `lsp` (lsp/index.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // The API uses the router through its face, engine/router/index.ts, never its internals.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DSL_FACES,
            {
              regex: '(^|/)engine/router/',
              message: 'the API imports the router through engine/router (its index.ts) only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The workflow sandbox has no Node APIs and no network: keep workflow code honest. Of the rule
    // language it may use only dsl/runtime (the IR and the pure evaluator): the face would bundle
    // the parsers, and dsl/runtime/fast builds functions with `new Function`.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...WORKFLOW_SANDBOX,
            {
              regex: '(^|/)dsl/runtime/fast(/|$)',
              message:
                'dsl/runtime/fast builds functions with `new Function`: workflow code uses dsl/runtime.',
            },
            // Deeper than dsl/runtime: the faces' message (dsl/runtime/fast has its own above).
            { ...DSL_FACES, regex: '(^|/)dsl/(?!runtime(/fast)?$)' },
            { regex: '(^|/)dsl$', message: 'workflow code imports dsl/runtime only, not the dsl face.' },
          ],
        },
      ],
    },
  },
  {
    // Test tooling of workflows/ (harnesses, history recording) runs in Node beside the sandbox and
    // compiles rules, so it may use the dsl face.
    files: ['workflows/testing/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...WORKFLOW_SANDBOX, DSL_FACES] }] },
  },
  {
    // dsl/runtime is loaded into the workflow sandbox: it needs nothing of the rule language but
    // core's spans, no Node API, and never the router's generated code (runtime/fast).
    files: ['dsl/runtime/*.ts'],
    ignores: ['dsl/runtime/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_APIS,
            { regex: '^\\.\\./(?!core/)', message: 'dsl/runtime imports only dsl/core besides itself.' },
            { regex: '^\\./fast(/|$)', message: "the evaluator does not depend on the router's fast tier." },
          ],
        },
      ],
    },
  },
  {
    files: ['dsl/runtime/fast/*.ts'],
    ignores: ['dsl/runtime/fast/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_APIS,
            {
              regex: '^\\.\\./\\.\\./(?!core/)',
              message: 'dsl/runtime/fast imports only dsl/runtime and dsl/core.',
            },
          ],
        },
      ],
    },
  },
  {
    // core is what every stage shares, so it imports none of them.
    files: ['dsl/core/*.ts'],
    ignores: ['dsl/core/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'dsl/core imports no other stage of dsl/.' }] },
      ],
    },
  },
);
