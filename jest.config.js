// @swc/jest strips types without type-checking (tsc runs in `npm run lint` and `npm run build`),
// which keeps a cold run fast on two cores. chevrotain 11 ships only ES modules, so it and its
// lodash-es dependency are transformed too.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/', '/data/'],
  // The VS Code extension's own package.json would clash with ours in jest's module map.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/', '<rootDir>/editors/vscode/package.json'],
  transform: {
    '^.+\\.(t|c?j)s$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // @chevrotain/* export only an `import` condition; point jest's CommonJS resolver at the files.
  moduleNameMapper: { '^@chevrotain/(.*)$': '<rootDir>/node_modules/@chevrotain/$1/lib/src/api.js' },
  transformIgnorePatterns: ['/node_modules/(?!(chevrotain|@chevrotain|lodash-es|@electric-sql/pglite)/)'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
