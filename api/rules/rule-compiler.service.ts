import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { RuleSetInput } from '../../dsl';
import { ProblemError } from '../common/problems';
import { CompileLimitError, CompilePool, type CompiledRules } from './compile-pool';

/**
 * Compiles rule sets for `POST /v1/rules:validate` and `/v1/deployments` in worker threads
 * (`compile-pool.ts`), so the event loop keeps answering while a large set compiles. A compile
 * past its limits is a 422 `rule-set-too-large`.
 */
@Injectable()
export class RuleCompiler implements OnModuleDestroy {
  private readonly pool = new CompilePool();

  async compile(files: readonly RuleSetInput[]): Promise<CompiledRules> {
    try {
      return await this.pool.compile(files);
    } catch (err) {
      if (err instanceof CompileLimitError) {
        throw new ProblemError(
          422,
          'rule-set-too-large',
          'The rule set is too large to compile',
          err.message,
        );
      }
      throw err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}
