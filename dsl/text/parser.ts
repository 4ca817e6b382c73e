/**
 * The grammar of the textual DSL (LANGUAGE.md §2–§5) as a chevrotain CstParser with error recovery.
 *
 * The parser only builds a concrete syntax tree; `cst-to-ast.ts` turns it into the shared AST and
 * `parse-dsl.ts` drives it one chunk of declarations at a time, so a broken rule cannot swallow the
 * next one.
 * Children are labelled so the converter can read them by role; where different kinds of children
 * interleave (postfix operators, statements, clauses) each is its own sub-rule, so the children's
 * order is the source order.
 *
 * Error messages are produced here, while the parser still knows which blocks are open, as JSON
 * `{ code, message }` strings that `parse-core.ts` turns into diagnostics.
 */
import { CstParser, EOF, tokenMatcher } from 'chevrotain';
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { Codes } from '../core/diagnostics';
import type { DiagnosticCode } from '../core/diagnostics';
import * as T from './lexer';

/** What the parser encodes into a chevrotain error message. */
export interface EncodedError {
  readonly code: DiagnosticCode;
  readonly message: string;
}

/** A block that needs an `end`, open at the current parse position. */
interface OpenBlock {
  readonly word: string;
  readonly offset: number;
}

/** Tokens skipped by the `junk` rule: reported once, at the first. */
export interface Junk {
  readonly token: IToken;
  /** What the grammar wanted there: "a statement", "a clause or `do`". */
  readonly expected: string;
}

/** Per-parse context the error messages need (set by the driver before each parse). */
export interface ParseContext {
  /** Line of an offset in the text being parsed (for "the `if` at line 4"). */
  lineOf(offset: number): number;
  /** How to call the end of the input: "the end of the file", "the end of the expression", ... */
  readonly endDescription: string;
  /** Start offsets of the tokens that are the first on their line. */
  readonly lineStarts: ReadonlySet<number>;
  /** 0-based column of an offset (a `within` that closes a `wait for first` is told by it). */
  readonly columnOf: (offset: number) => number;
}

const BLOCK_ENDS = [T.End, T.Else, T.Branch, T.Compensate];

const RULE_EXPECTATIONS: Readonly<Record<string, string>> = {
  declaration: '`rule`, `event` or `action`',
  statement: 'a statement',
  clause: 'a clause',
  waitCase: '`case`',
  primary: 'an expression',
  typeExpr: 'a type',
  letStmt: 'an expression or `call`',
  sleepStmt: 'a duration or `until`',
  namedArg: 'a name',
  fieldDecl: 'a field name',
  everyClause: 'a duration or a cron string',
};

function describeToken(token: IToken, ctx: ParseContext): string {
  if (token.tokenType === EOF) return ctx.endDescription;
  const image = token.image.length > 24 ? `${token.image.slice(0, 20)}...` : token.image;
  if (token.tokenType === T.StringLit) return `the string ${image}`;
  return `\`${image}\``;
}

const COMPARISONS = [T.EqEq, T.NotEq, T.Lt, T.LtEq, T.Gt, T.GtEq, T.In];

/** A hint for a comparison operator found where an expression had already ended: `a < b < c`. */
export function chainHint(token: IToken): string {
  return COMPARISONS.some((t) => tokenMatcher(token, t))
    ? ' (comparisons do not chain: write `a < b and b < c`)'
    : '';
}

function encode(code: DiagnosticCode, message: string): string {
  const e: EncodedError = { code, message };
  return JSON.stringify(e);
}

function labelOf(t: TokenType): string {
  return t.LABEL ?? t.name;
}

/** Builds the messages of syntax errors; a missing `end` names the innermost open block. */
class MessageProvider implements IParserErrorMessageProvider {
  parser: DslParser | undefined;
  ctx: ParseContext = {
    lineOf: () => 1,
    columnOf: () => 0,
    endDescription: 'the end of the input',
    lineStarts: new Set(),
  };

  private openBlock(): OpenBlock | undefined {
    const blocks = this.parser?.openBlocks ?? [];
    return blocks[blocks.length - 1];
  }

  buildMismatchTokenMessage(options: {
    expected: TokenType;
    actual: IToken;
    previous: IToken;
    ruleName: string;
  }) {
    const { expected, actual } = options;
    const found = describeToken(actual, this.ctx);
    const atEnd = actual.tokenType === EOF;
    if (expected === T.End) {
      const block = this.openBlock();
      const closing = block ? ` to close the \`${block.word}\` at line ${this.ctx.lineOf(block.offset)}` : '';
      if (
        atEnd ||
        tokenMatcher(actual, T.Rule) ||
        tokenMatcher(actual, T.Event) ||
        tokenMatcher(actual, T.Action)
      ) {
        return encode(Codes.missingEnd, `expected \`end\`${closing}, found ${found}`);
      }
      return encode(Codes.unexpectedToken, `unexpected ${found}: expected a statement or \`end\`${closing}`);
    }
    const code = atEnd ? Codes.unexpectedEnd : Codes.unexpectedToken;
    if (expected === EOF) {
      return encode(code, `unexpected ${found}: expected ${this.ctx.endDescription}${chainHint(actual)}`);
    }
    return encode(code, `expected ${labelOf(expected)}, found ${found}`);
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }) {
    const found = describeToken(options.firstRedundant, this.ctx);
    if (options.ruleName === 'expression') {
      const hint = chainHint(options.firstRedundant);
      return encode(Codes.unexpectedToken, `unexpected ${found} after the expression${hint}`);
    }
    if (tokenMatcher(options.firstRedundant, T.End)) {
      return encode(Codes.unexpectedToken, 'this `end` does not close anything');
    }
    return encode(Codes.unexpectedToken, `unexpected ${found}: expected \`rule\`, \`event\` or \`action\``);
  }

  buildNoViableAltMessage(options: { actual: IToken[]; ruleName: string }) {
    return this.expectedHere(options.actual[0], options.ruleName);
  }

  buildEarlyExitMessage(options: { actual: IToken[]; ruleName: string }) {
    return this.expectedHere(options.actual[0], options.ruleName);
  }

  private expectedHere(actual: IToken, ruleName: string): string {
    return this.unexpected(actual, RULE_EXPECTATIONS[ruleName] ?? 'something else');
  }

  private unexpected(actual: IToken, expected: string): string {
    const found = describeToken(actual, this.ctx);
    const code = actual.tokenType === EOF ? Codes.unexpectedEnd : Codes.unexpectedToken;
    return encode(code, `expected ${expected}, found ${found}`);
  }
}

/** The parts of chevrotain's recovery engine that {@link DslParser} adjusts (not in its typings). */
interface RecoveryInternals {
  RULE_STACK_IDX: number;
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[];
}

const baseRecovery = CstParser.prototype as unknown as RecoveryInternals;

/** Rule invocations (about a dozen per nesting level) above which no single-token insertion is tried. */
const SHALLOW_RULE_STACK = 150;

/** The DSL grammar. Use {@link getParser}: building a chevrotain parser is costly, parsing is not. */
export class DslParser extends CstParser {
  /** Blocks that need an `end`, innermost last; maintained during parsing for error messages. */
  readonly openBlocks: OpenBlock[] = [];
  /** Junk skipped during the current parse: its first token, and what was expected there. */
  readonly skipped: Junk[] = [];
  /** Columns of the `wait` of the `wait for first` statements open at the parse position. */
  private readonly waitFirstColumns: number[] = [];

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion) while building:
   * they cost about half a second of every command's start and can only fail on a change to this
   * file, so `getParser` skips them and a test builds the parser with them.
   */
  constructor(
    private readonly messages: MessageProvider,
    validate = false,
  ) {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'none',
      maxLookahead: 3,
      errorMessageProvider: messages,
      skipValidations: !validate,
    });
    messages.parser = this;
    this.performSelfAnalysis();
  }

  /**
   * chevrotain finds the tokens that may follow a missing one (for single-token insertion) by
   * walking the grammar along the whole rule stack, recursively; deep inside nested input that walk
   * needs far more stack than the parse itself. So only near the top does recovery insert tokens;
   * deeper down it re-syncs instead, and the nesting limit keeps a safe distance from the stack's end.
   */
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    const self = this as unknown as RecoveryInternals;
    if (self.RULE_STACK_IDX > SHALLOW_RULE_STACK) return [];
    return baseRecovery.getFollowsForInRuleRecovery.call(this, tokType, tokIdxInRule);
  }

  /** Sets the context error messages are written for; call before each parse. */
  setContext(ctx: ParseContext): void {
    this.messages.ctx = ctx;
    this.openBlocks.length = 0;
    this.skipped.length = 0;
    this.waitFirstColumns.length = 0;
  }

  /** Runs `body` with a block marked open, so a missing `end` names it. */
  private inBlock(word: string, opener: IToken, body: () => void): void {
    this.ACTION(() => this.openBlocks.push({ word, offset: opener.startOffset }));
    try {
      body();
    } finally {
      this.ACTION(() => this.openBlocks.pop());
    }
  }

  /** Can the next word be an operand? Not a statement or clause word that starts a line. */
  private nameIsOperand(): boolean {
    const next = this.LA(1);
    return !(
      this.messages.ctx.lineStarts.has(next.startOffset) &&
      T.lineStartWords.some((t) => tokenMatcher(next, t))
    );
  }

  /**
   * Whether the next token is a `within` that belongs to an open `wait for first` rather than to
   * the `wait` or `approve` ending that statement's last case: one that starts a line no further
   * right than the `wait` of the `wait for first`.
   */
  private closesWaitFirst(): boolean {
    const next = this.LA(1);
    const column = this.waitFirstColumns[this.waitFirstColumns.length - 1];
    return (
      column !== undefined &&
      tokenMatcher(next, T.Within) &&
      this.messages.ctx.lineStarts.has(next.startOffset) &&
      this.messages.ctx.columnOf(next.startOffset) <= column
    );
  }

  private endsBlock(): boolean {
    const next = this.LA(1);
    return next.tokenType === EOF || BLOCK_ENDS.some((t) => tokenMatcher(next, t));
  }

  /** Junk ends at the end of its line, or where a statement, `do` or the enclosing block's end begins. */
  private junkGoesOn(): boolean {
    const next = this.LA(1);
    return (
      !this.endsBlock() &&
      !tokenMatcher(next, T.Do) &&
      !this.messages.ctx.lineStarts.has(next.startOffset) &&
      !T.statementStarters.some((t) => tokenMatcher(next, t))
    );
  }

  /**
   * Another clause may follow unless `do` does, or a statement (a forgotten `do` is then reported
   * at that statement, and recovery inserts it).
   */
  private clausesGoOn(): boolean {
    const next = this.LA(1);
    return (
      !tokenMatcher(next, T.Do) &&
      !this.endsBlock() &&
      !T.statementStarters.some((t) => tokenMatcher(next, t))
    );
  }

  private startsMessage(): boolean {
    const next = this.LA(1);
    const lineStart = this.messages.ctx.lineStarts.has(next.startOffset);
    return (
      next.tokenType !== EOF &&
      !T.statementStarters.some((t) => tokenMatcher(next, t)) &&
      // `stop` before the next `case` (or the `within`) of a `wait for first`
      !(lineStart && (tokenMatcher(next, T.Case) || tokenMatcher(next, T.Within)))
    );
  }

  // ------------------------------------------------------------ declarations

  /** Declarations that share lines: a chunk of the file as split by the driver. */
  declarations = this.RULE('declarations', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE('declaration', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.eventDecl) },
      { ALT: () => this.SUBRULE(this.actionDecl) },
    ]);
  });

  ruleDecl = this.RULE('ruleDecl', () => {
    const kw = this.CONSUME(T.Rule);
    this.inBlock('rule', kw, () => {
      this.CONSUME(T.Name, { LABEL: 'name' });
      this.OPTION(() => this.CONSUME(T.StringLit, { LABEL: 'description' }));
      this.MANY({
        GATE: () => this.clausesGoOn(),
        DEF: () =>
          this.OR({
            MAX_LOOKAHEAD: 1,
            DEF: [
              { ALT: () => this.SUBRULE(this.clause), IGNORE_AMBIGUITIES: true },
              { ALT: () => this.SUBRULE(this.clauseJunk) },
            ],
          }),
      });
      this.CONSUME(T.Do);
      this.SUBRULE(this.block, { LABEL: 'body' });
      this.OPTION2(() => {
        this.CONSUME(T.Compensate);
        this.SUBRULE2(this.block, { LABEL: 'compensate' });
      });
      this.CONSUME(T.End);
    });
  });

  eventDecl = this.RULE('eventDecl', () => {
    this.CONSUME(T.Event);
    this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.fieldList, { LABEL: 'fields' });
    this.CONSUME(T.RCurly);
  });

  actionDecl = this.RULE('actionDecl', () => {
    this.CONSUME(T.Action);
    this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.fieldList, { LABEL: 'params' });
    this.CONSUME(T.RParen);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.typeExpr, { LABEL: 'result' });
    });
  });

  /** Fields with optional commas: `a: int, b: string` or one per line. */
  fieldList = this.RULE('fieldList', () => {
    this.MANY(() => {
      this.SUBRULE(this.fieldDecl);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
  });

  fieldDecl = this.RULE('fieldDecl', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.AnyName, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'name' }) },
    ]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr, { LABEL: 'type' });
  });

  typeExpr = this.RULE('typeExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.List);
          this.CONSUME(T.Lt);
          this.SUBRULE(this.typeExpr, { LABEL: 'element' });
          this.CONSUME(T.Gt);
        },
        IGNORE_AMBIGUITIES: true,
      },
      {
        ALT: () => {
          this.CONSUME(T.LCurly);
          this.SUBRULE(this.fieldList, { LABEL: 'fields' });
          this.CONSUME(T.RCurly);
        },
      },
      { ALT: () => this.CONSUME(T.Name, { LABEL: 'primitive' }) },
    ]);
    this.OPTION(() => this.CONSUME(T.Question, { LABEL: 'optional' }));
  });

  qualifiedName = this.RULE('qualifiedName', () => {
    this.CONSUME(T.Name, { LABEL: 'part' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.AnyName, { LABEL: 'part' });
    });
  });

  // ------------------------------------------------------------ clauses

  clause = this.RULE('clause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.On);
          this.SUBRULE(this.qualifiedName, { LABEL: 'event' });
        },
      },
      { ALT: () => this.SUBRULE(this.everyClause) },
      {
        ALT: () => {
          this.CONSUME(T.Manual);
          this.OPTION(() => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.fieldList, { LABEL: 'params' });
            this.CONSUME(T.RParen);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.When);
          this.SUBRULE(this.expression, { LABEL: 'expr' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Key);
          this.SUBRULE2(this.expression, { LABEL: 'expr' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Concurrency);
          this.CONSUME(T.AnyName, { LABEL: 'mode' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Timeout);
          this.CONSUME(T.DurationLit, { LABEL: 'duration' });
        },
      },
      { ALT: () => this.CONSUME(T.Disabled) },
      {
        ALT: () => {
          this.CONSUME(T.Debounce);
          this.CONSUME2(T.DurationLit, { LABEL: 'quiet' });
          this.OPTION2(() => {
            this.CONSUME(T.MaxKw);
            this.CONSUME3(T.DurationLit, { LABEL: 'max' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Batch);
          this.CONSUME(T.NumberLit, { LABEL: 'size' });
          this.OPTION3(() => {
            this.CONSUME(T.Within);
            this.CONSUME4(T.DurationLit, { LABEL: 'within' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Throttle);
          this.CONSUME2(T.NumberLit, { LABEL: 'runs' });
          this.CONSUME(T.Per);
          this.CONSUME5(T.DurationLit, { LABEL: 'per' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Limit);
          this.CONSUME3(T.NumberLit, { LABEL: 'runs' });
          this.CONSUME2(T.Per);
          this.CONSUME6(T.DurationLit, { LABEL: 'per' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Cancel);
          this.CONSUME2(T.On);
          this.SUBRULE2(this.qualifiedName, { LABEL: 'event' });
          this.OPTION4(() => {
            this.CONSUME(T.As);
            this.CONSUME(T.Name, { LABEL: 'as' });
          });
          this.OPTION5(() => {
            this.CONSUME(T.Where);
            this.SUBRULE3(this.expression, { LABEL: 'where' });
          });
        },
      },
    ]);
  });

  everyClause = this.RULE('everyClause', () => {
    this.CONSUME(T.Every);
    this.OR([
      { ALT: () => this.CONSUME(T.DurationLit, { LABEL: 'interval' }) },
      {
        ALT: () => {
          this.CONSUME(T.StringLit, { LABEL: 'cron' });
          this.OPTION(() => {
            this.CONSUME(T.Timezone);
            this.CONSUME2(T.StringLit, { LABEL: 'timezone' });
          });
        },
      },
    ]);
  });

  // ------------------------------------------------------------ statements

  /**
   * Statements up to the word that closes the block. A line that is not a statement is skipped as
   * `junk` (and reported), so one bad line costs one diagnostic and the statements after it are
   * still parsed. Only the first token chooses between a statement and junk, so a malformed
   * statement is reported precisely by the statement's own rule.
   */
  block = this.RULE('block', () => {
    this.MANY({
      GATE: () => !this.endsBlock(),
      DEF: () =>
        this.OR({
          MAX_LOOKAHEAD: 1,
          DEF: [
            { ALT: () => this.SUBRULE(this.statement), IGNORE_AMBIGUITIES: true },
            { ALT: () => this.SUBRULE(this.junk) },
          ],
        }),
    });
  });

  /** A line in a block that does not start a statement. */
  junk = this.RULE('junk', () => this.skipJunk('a statement'));

  /** A line among a rule's clauses that does not start a clause. */
  clauseJunk = this.RULE('clauseJunk', () => this.skipJunk('a clause or `do`'));

  /** Skips tokens up to the end of the line; `expected` goes into the message. */
  private skipJunk(expected: string): void {
    const first = this.CONSUME(T.AnyToken);
    this.ACTION(() => this.skipped.push({ token: first, expected }));
    this.MANY({ GATE: () => this.junkGoesOn(), DEF: () => this.CONSUME2(T.AnyToken) });
  }

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.setStmt) },
      { ALT: () => this.SUBRULE(this.callTail) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.sleepStmt) },
      { ALT: () => this.SUBRULE(this.waitStmt) },
      { ALT: () => this.SUBRULE(this.approveStmt) },
      { ALT: () => this.SUBRULE(this.parallelStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.emitStmt) },
      { ALT: () => this.SUBRULE(this.logStmt) },
      { ALT: () => this.SUBRULE(this.stopStmt) },
      { ALT: () => this.SUBRULE(this.failStmt) },
    ]);
  });

  letStmt = this.RULE('letStmt', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Assign);
    this.OR([
      // `call` is also a valid name, but `let x = call` followed by an action is the call statement.
      { ALT: () => this.SUBRULE(this.callTail, { LABEL: 'call' }), IGNORE_AMBIGUITIES: true },
      { ALT: () => this.SUBRULE(this.expression, { LABEL: 'value' }) },
    ]);
  });

  setStmt = this.RULE('setStmt', () => {
    this.CONSUME(T.SetKw);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  callTail = this.RULE('callTail', () => {
    this.CONSUME(T.Call);
    this.SUBRULE(this.qualifiedName, { LABEL: 'action' });
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.namedArgs, { LABEL: 'args' }));
    this.CONSUME(T.RParen);
    this.OPTION2(() => this.SUBRULE(this.retrySpec, { LABEL: 'retry' }));
    this.OPTION3(() => {
      this.CONSUME(T.Timeout);
      this.CONSUME(T.DurationLit, { LABEL: 'timeout' });
    });
  });

  retrySpec = this.RULE('retrySpec', () => {
    this.CONSUME(T.Retry);
    this.CONSUME(T.NumberLit, { LABEL: 'attempts' });
    this.OPTION(() => {
      this.CONSUME(T.Every);
      this.CONSUME(T.DurationLit, { LABEL: 'every' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Backoff);
      this.CONSUME2(T.NumberLit, { LABEL: 'backoff' });
    });
  });

  /** `name: expr, ...` inside an action call's parentheses (commas required, trailing one allowed). */
  namedArgs = this.RULE('namedArgs', () => {
    this.SUBRULE(this.namedArg, { LABEL: 'arg' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.namedArg, { LABEL: 'arg' });
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  namedArg = this.RULE('namedArg', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.AnyName, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'name' }) },
    ]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  ifStmt = this.RULE('ifStmt', () => {
    const kw = this.CONSUME(T.If);
    this.inBlock('if', kw, () => {
      this.SUBRULE(this.expression, { LABEL: 'cond' });
      this.SUBRULE(this.block, { LABEL: 'body' });
      // `else if` on one line continues the chain; an `if` on the line after `else` is nested.
      this.MANY({
        GATE: () =>
          tokenMatcher(this.LA(2), T.If) && !this.messages.ctx.lineStarts.has(this.LA(2).startOffset),
        DEF: () => {
          this.CONSUME(T.Else, { LABEL: 'elseIf' });
          this.CONSUME2(T.If);
          this.SUBRULE2(this.expression, { LABEL: 'cond' });
          this.SUBRULE2(this.block, { LABEL: 'body' });
        },
      });
      this.OPTION(() => {
        this.CONSUME2(T.Else, { LABEL: 'else' });
        this.SUBRULE3(this.block, { LABEL: 'elseBody' });
      });
      this.CONSUME(T.End);
    });
  });

  sleepStmt = this.RULE('sleepStmt', () => {
    this.CONSUME(T.Sleep);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Until);
          this.SUBRULE(this.expression, { LABEL: 'time' });
        },
        IGNORE_AMBIGUITIES: true,
      },
      { ALT: () => this.SUBRULE2(this.expression, { LABEL: 'duration' }) },
    ]);
  });

  waitStmt = this.RULE('waitStmt', () => {
    const kw = this.CONSUME(T.Wait);
    this.CONSUME(T.For);
    this.OR([
      {
        // `wait for first` then `case`: the v2 first-of-several wait (an event type may be `first`).
        GATE: () => tokenMatcher(this.LA(1), T.First) && tokenMatcher(this.LA(2), T.Case),
        ALT: () =>
          this.inBlock('wait for first', kw, () => {
            this.ACTION(() => this.waitFirstColumns.push(this.messages.ctx.columnOf(kw.startOffset)));
            try {
              this.SUBRULE(this.waitFirst, { LABEL: 'first' });
            } finally {
              this.ACTION(() => this.waitFirstColumns.pop());
            }
          }),
        IGNORE_AMBIGUITIES: true,
      },
      {
        ALT: () => {
          this.SUBRULE(this.qualifiedName, { LABEL: 'event' });
          this.OPTION(() => {
            this.CONSUME(T.As);
            this.CONSUME(T.Name, { LABEL: 'as' });
          });
          this.OPTION2(() => {
            this.CONSUME(T.Where);
            this.SUBRULE(this.expression, { LABEL: 'where' });
          });
          this.OPTION3({
            GATE: () => !this.closesWaitFirst(),
            DEF: () => {
              this.CONSUME(T.Within);
              this.CONSUME(T.DurationLit, { LABEL: 'within' });
            },
          });
          this.OPTION4(() => this.SUBRULE(this.onTimeout));
        },
      },
    ]);
  });

  /** v2: `first`, its cases, an optional `within D` and what runs then, `end`. */
  waitFirst = this.RULE('waitFirst', () => {
    this.CONSUME(T.First);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.waitCase, { LABEL: 'case' }));
    this.OPTION(() => {
      this.CONSUME(T.Within);
      this.CONSUME(T.DurationLit, { LABEL: 'within' });
      this.SUBRULE(this.block, { LABEL: 'onTimeout' });
    });
    this.CONSUME(T.End);
  });

  waitCase = this.RULE('waitCase', () => {
    this.CONSUME(T.Case);
    this.SUBRULE(this.qualifiedName, { LABEL: 'event' });
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Name, { LABEL: 'as' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
    this.SUBRULE(this.caseBlock, { LABEL: 'body' });
  });

  /** The statements of a `case`: up to the next `case`, `within` or the `end`. */
  caseBlock = this.RULE('caseBlock', () => {
    this.MANY({
      GATE: () =>
        !this.endsBlock() && !tokenMatcher(this.LA(1), T.Case) && !tokenMatcher(this.LA(1), T.Within),
      DEF: () =>
        this.OR({
          MAX_LOOKAHEAD: 1,
          DEF: [
            { ALT: () => this.SUBRULE(this.statement), IGNORE_AMBIGUITIES: true },
            { ALT: () => this.SUBRULE(this.junk) },
          ],
        }),
    });
  });

  approveStmt = this.RULE('approveStmt', () => {
    this.CONSUME(T.Approve);
    this.SUBRULE(this.expression, { LABEL: 'description' });
    this.OPTION(() => {
      this.CONSUME(T.By);
      this.SUBRULE2(this.expression, { LABEL: 'by' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Name, { LABEL: 'as' });
    });
    this.OPTION3({
      GATE: () => !this.closesWaitFirst(),
      DEF: () => {
        this.CONSUME(T.Within);
        this.CONSUME(T.DurationLit, { LABEL: 'within' });
      },
    });
    this.OPTION4(() => this.SUBRULE(this.onTimeout));
  });

  onTimeout = this.RULE('onTimeout', () => {
    const kw = this.CONSUME(T.On);
    this.CONSUME(T.Timeout);
    this.inBlock('on timeout', kw, () => {
      this.SUBRULE(this.block, { LABEL: 'body' });
      this.CONSUME(T.End);
    });
  });

  parallelStmt = this.RULE('parallelStmt', () => {
    const kw = this.CONSUME(T.Parallel);
    this.inBlock('parallel', kw, () => {
      // Zero branches is reported by the converter, which knows where the `parallel` is.
      this.MANY(() => {
        this.CONSUME(T.Branch);
        this.SUBRULE(this.block, { LABEL: 'branch' });
      });
      this.CONSUME(T.End);
    });
  });

  forStmt = this.RULE('forStmt', () => {
    const kw = this.CONSUME(T.For);
    this.inBlock('for each', kw, () => {
      this.CONSUME(T.Each);
      this.CONSUME(T.Name, { LABEL: 'name' });
      this.CONSUME(T.In);
      this.SUBRULE(this.expression, { LABEL: 'list' });
      this.SUBRULE(this.block, { LABEL: 'body' });
      this.CONSUME(T.End);
    });
  });

  emitStmt = this.RULE('emitStmt', () => {
    this.CONSUME(T.Emit);
    this.SUBRULE(this.qualifiedName, { LABEL: 'event' });
    this.OPTION(() => {
      this.CONSUME(T.LCurly);
      this.SUBRULE(this.fieldValues, { LABEL: 'fields' });
      this.CONSUME(T.RCurly);
    });
  });

  logStmt = this.RULE('logStmt', () => {
    this.CONSUME(T.Log);
    this.SUBRULE(this.expression, { LABEL: 'message' });
  });

  stopStmt = this.RULE('stopStmt', () => {
    this.CONSUME(T.Stop);
    // The message is optional, and statements start with (soft) keywords that are also names.
    this.OPTION({
      GATE: () => this.startsMessage(),
      DEF: () => this.SUBRULE(this.expression, { LABEL: 'message' }),
    });
  });

  failStmt = this.RULE('failStmt', () => {
    this.CONSUME(T.Fail);
    this.SUBRULE(this.expression, { LABEL: 'message' });
  });

  // ------------------------------------------------------------ expressions (lowest precedence first)

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.orExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.Coalesce, { LABEL: 'op' });
      this.SUBRULE2(this.orExpr, { LABEL: 'operand' });
    });
  });

  orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.Or, { LABEL: 'op' });
      this.SUBRULE2(this.andExpr, { LABEL: 'operand' });
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.And, { LABEL: 'op' });
      this.SUBRULE2(this.notExpr, { LABEL: 'operand' });
    });
  });

  /** `not` prefixes are a loop, not recursion, so `not not ... x` cannot exhaust the stack. */
  notExpr = this.RULE('notExpr', () => {
    this.MANY(() => this.CONSUME(T.Not, { LABEL: 'not' }));
    this.SUBRULE(this.comparison, { LABEL: 'operand' });
  });

  /** Comparisons do not chain: `a < b < c` is a syntax error rather than a surprise. */
  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive, { LABEL: 'operand' });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.LtEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.GtEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Lt, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Gt, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.In, { LABEL: 'op' }) },
        {
          ALT: () => {
            this.CONSUME(T.Not, { LABEL: 'notIn' });
            this.CONSUME2(T.In, { LABEL: 'op' });
          },
        },
      ]);
      this.SUBRULE2(this.additive, { LABEL: 'operand' });
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operand' });
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operand' });
    });
  });

  unary = this.RULE('unary', () => {
    this.MANY(() => this.CONSUME(T.Minus, { LABEL: 'neg' }));
    this.SUBRULE(this.postfix, { LABEL: 'operand' });
  });

  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary, { LABEL: 'operand' });
    this.MANY(() => this.SUBRULE(this.postfixOp, { LABEL: 'op' }));
  });

  postfixOp = this.RULE('postfixOp', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot, { LABEL: 'dot' });
          this.CONSUME(T.AnyName, { LABEL: 'member' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.QuestionDot, { LABEL: 'dot' });
          this.CONSUME2(T.AnyName, { LABEL: 'member' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.expression, { LABEL: 'index' });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.OPTION(() => this.SUBRULE(this.callArgs, { LABEL: 'args' }));
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  /** `a, b, c` with an optional trailing comma (function arguments, list items). */
  exprList = this.RULE('exprList', () => {
    this.SUBRULE(this.expression, { LABEL: 'item' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression, { LABEL: 'item' });
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  /** A call's arguments: like `exprList`, but the first may be a v2 window (`count(T as x within 1h)`). */
  callArgs = this.RULE('callArgs', () => {
    this.SUBRULE(this.expression, { LABEL: 'item' });
    this.OPTION(() => this.SUBRULE(this.windowTail, { LABEL: 'window' }));
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression, { LABEL: 'item' });
    });
    this.OPTION2(() => this.CONSUME2(T.Comma));
  });

  /** `as NAME within DURATION [where EXPR]` after a window's event type. */
  windowTail = this.RULE('windowTail', () => {
    this.CONSUME(T.As);
    this.CONSUME(T.Name, { LABEL: 'as' });
    this.CONSUME(T.Within);
    this.CONSUME(T.DurationLit, { LABEL: 'within' });
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
  });

  /** `name: expr` pairs in braces, commas optional (object literals and `emit`). */
  fieldValues = this.RULE('fieldValues', () => {
    this.MANY(() => {
      this.SUBRULE(this.namedArg, { LABEL: 'field' });
      this.OPTION(() => this.CONSUME(T.Comma));
    });
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.DurationLit, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.Null, { LABEL: 'literal' }) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression, { LABEL: 'paren' });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.OPTION(() => this.SUBRULE(this.exprList, { LABEL: 'list' }));
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LCurly);
          this.SUBRULE(this.fieldValues, { LABEL: 'object' });
          this.CONSUME(T.RCurly);
        },
      },
      { GATE: () => this.nameIsOperand(), ALT: () => this.CONSUME(T.Name, { LABEL: 'name' }) },
    ]);
  });
}

let instance: DslParser | undefined;

/** The shared parser instance (parsing is synchronous, so one instance serves every call). */
export function getParser(): DslParser {
  instance ??= new DslParser(new MessageProvider());
  return instance;
}

/** A parser built with chevrotain's grammar validations (tests): throws if the grammar is unsound. */
export function validatedParser(): DslParser {
  return new DslParser(new MessageProvider(), true);
}
