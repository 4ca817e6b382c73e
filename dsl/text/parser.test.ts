import { getParser, validatedParser } from './parser';

describe('DslParser', () => {
  it('passes chevrotain grammar validations (skipped when the shared parser is built)', () => {
    // performSelfAnalysis throws on an ambiguous or left-recursive grammar.
    expect(() => validatedParser()).not.toThrow();
  });

  it('shares one instance', () => {
    expect(getParser()).toBe(getParser());
  });
});
