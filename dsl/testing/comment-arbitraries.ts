/**
 * fast-check arbitraries that add comments to generated ASTs, in every place where a front end
 * puts them (so printing and reading back must give the same AST): leading and trailing comments of
 * declarations, clauses, statements, event fields and `else if` branches, and the comments before
 * `do`, `compensate`, `else`, `on timeout`, `branch`, `end` and `}`, and after the last declaration.
 */
import fc from 'fast-check';
import type { Clause, Decl, FieldDecl, IfBranch, SourceFile, Stmt } from '../ast/ast';
import { cleanComment } from '../ast/attach-comments';

/** Comment text as the front ends produce it: any text, Chinese included, no trailing blanks. */
export const commentText: fc.Arbitrary<string> = fc
  .string({
    unit: fc.constantFrom('a', 'Z', ' ', '\t', '中', '文', '#', '"', '\\', '$', '{', ':', '-', 'é', '😀'),
    maxLength: 8,
  }) // prettier-ignore
  .map(cleanComment);

/** What one place gets: usually nothing. */
interface Choice {
  readonly lines?: readonly string[];
  readonly trail?: string;
}

const choice: fc.Arbitrary<Choice> = fc.record(
  {
    lines: fc.array(commentText, { minLength: 1, maxLength: 2 }),
    trail: commentText,
  },
  { requiredKeys: [] },
);
const sometimes: fc.Arbitrary<Choice> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 3 },
  { arbitrary: choice, weight: 1 },
);

/** `arb`'s files, with comments in some of their places. */
export function withComments(arb: fc.Arbitrary<SourceFile>): fc.Arbitrary<SourceFile> {
  return arb.chain((file) => {
    let count = 0;
    decorateFile(file, () => {
      count++;
      return {};
    });
    return fc.array(sometimes, { minLength: count, maxLength: count }).map((choices) => {
      let next = 0;
      return decorateFile(file, () => choices[next++] ?? {});
    });
  });
}

type Pick = () => Choice;

const lines = (key: string, c: Choice): Record<string, readonly string[]> =>
  c.lines ? { [key]: c.lines } : {};
const own = (c: Choice): { comments?: readonly string[]; trailingComment?: string } => ({
  ...lines('comments', c),
  ...(c.trail !== undefined && { trailingComment: c.trail }),
});

function decorateFile(file: SourceFile, pick: Pick): SourceFile {
  const decls = file.decls.map((d) => decl(d, pick));
  const end = pick();
  return { ...file, decls, ...lines('trailingComments', end) };
}

function decl(d: Decl, pick: Pick): Decl {
  const head = own(pick());
  switch (d.kind) {
    case 'action':
      return { ...d, ...head };
    case 'event': {
      const fields = d.fields.map((f): FieldDecl => ({ ...f, ...own(pick()) }));
      return { ...d, ...head, fields, ...lines('endComments', pick()) };
    }
    case 'rule': {
      const clauses = d.clauses.map((c): Clause => ({ ...c, ...own(pick()) }));
      const doComments = lines('doComments', pick());
      const body = block(d.body, pick);
      const compensate = d.compensate && {
        ...lines('compensateComments', pick()),
        compensate: block(d.compensate, pick),
      };
      return { ...d, ...head, clauses, ...doComments, body, ...compensate, ...lines('endComments', pick()) };
    }
  }
}

function block(stmts: readonly Stmt[], pick: Pick): Stmt[] {
  return stmts.map((s) => stmt(s, pick));
}

function stmt(s: Stmt, pick: Pick): Stmt {
  const head = own(pick());
  switch (s.kind) {
    case 'if': {
      const branches = s.branches.map((b, i): IfBranch => ({
        ...b,
        ...(i > 0 && own(pick())),
        body: block(b.body, pick),
      }));
      const otherwise = s.else && { ...lines('elseComments', pick()), else: block(s.else, pick) };
      return { ...s, ...head, branches, ...otherwise, ...lines('endComments', pick()) };
    }
    case 'wait':
    case 'approve': {
      if (!s.onTimeout) return { ...s, ...head };
      const before = lines('onTimeoutComments', pick());
      const onTimeout = block(s.onTimeout, pick);
      return { ...s, ...head, ...before, onTimeout, ...lines('endComments', pick()) };
    }
    case 'parallel': {
      const before: (readonly string[])[] = [];
      const branches = s.branches.map((b) => {
        before.push(pick().lines ?? []);
        return block(b, pick);
      });
      const some = before.some((l) => l.length > 0);
      return {
        ...s,
        ...head,
        branches,
        ...(some && { branchComments: before }),
        ...lines('endComments', pick()),
      };
    }
    case 'for_each':
      return { ...s, ...head, body: block(s.body, pick), ...lines('endComments', pick()) };
    default:
      return { ...s, ...head };
  }
}
