import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../../engine/db/connection-errors';
import {
  EventValidationError,
  ManualRunError,
  RecoveryRefusedError,
  DeployWouldRemoveError,
  RuleNotFoundError,
} from '../../engine/errors';
import {
  PROBLEM_TYPE_BASE,
  ProblemError,
  RateLimitedProblem,
  describeErrors,
  type ProblemBody,
} from './problems';

/**
 * The one exception filter: every error leaves as `application/problem+json`. It also sees the
 * errors Fastify raises before a route runs (malformed JSON, wrong content type, body too
 * large), which Nest routes through the same filters.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('opsflow-api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(exception);
    if (body.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (exception instanceof RateLimitedProblem) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    if (body.type === PROBLEM_TYPE_BASE + 'database-unavailable') void reply.header('retry-after', '1');
    void reply
      .status(body.status)
      .header('content-type', 'application/problem+json')
      .send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): ProblemBody {
    if (exception instanceof ProblemError) return exception.toBody();
    if (exception instanceof RuleNotFoundError)
      return problem(404, 'not-found', 'Not found', exception.message);
    if (exception instanceof DeployWouldRemoveError) {
      return {
        ...problem(409, 'would-remove-rules', 'The deployment would remove rules', exception.message),
        rules: [...exception.rules],
      };
    }
    if (exception instanceof RecoveryRefusedError) {
      return problem(409, exception.code, 'The run or rule does not allow it', exception.message);
    }
    if (exception instanceof EventValidationError) {
      const errors = exception.problems.map((p) => ({
        index: p.index,
        path: p.path,
        message: p.message,
        ...(p.didYouMean !== undefined ? { didYouMean: p.didYouMean } : {}),
      }));
      // A type no rule declares is its own problem: the producer has a typo or is ahead of the rules.
      return exception.problems.some((p) => p.code === 'unknown-event-type')
        ? problem(422, 'unknown-event-type', 'The event type is not declared', exception.message, { errors })
        : problem(422, 'invalid-event', 'The event is not valid', exception.message, { errors });
    }
    if (exception instanceof ManualRunError) {
      return exception.problems.length > 0
        ? problem(
            422,
            'invalid-run-input',
            'The run input is not valid',
            describeErrors(exception.problems),
            {
              errors: exception.problems,
            },
          )
        : problem(409, 'run-refused', 'The rule cannot run', exception.message);
    }
    // Nest hands Fastify's parser errors (malformed JSON, content type, body limit) over as
    // HttpExceptions with their status; the API itself throws ProblemErrors.
    if (exception instanceof HttpException) return byStatus(exception.getStatus(), httpDetail(exception));
    const status = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (exception instanceof Error && typeof status === 'number' && status >= 400 && status < 500) {
      return byStatus(status, exception.message);
    }
    // PostgreSQL is down or restarting: a temporary condition, not a bug (the pool reconnects).
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`the database does not answer: ${(exception as Error).message}`);
      return problem(
        503,
        'database-unavailable',
        'Service unavailable',
        'the database does not answer; retry later (an event sent again with its id is stored once)',
      );
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return problem(500, 'internal', 'Internal server error', 'the request failed on the server; see its log');
  }
}

function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemBody {
  return { type: PROBLEM_TYPE_BASE + slug, title, status, detail, ...extensions };
}

function byStatus(status: number, detail: string): ProblemBody {
  switch (status) {
    case 400:
      return problem(
        400,
        'malformed-body',
        'Malformed request body',
        `the body is not valid JSON: ${detail}`,
      );
    case 404:
      return problem(404, 'not-found', 'Not found', detail);
    case 413:
      return problem(413, 'body-too-large', 'Payload too large', detail);
    case 415:
      return problem(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        `send JSON (application/json): ${detail}`,
      );
    default:
      return problem(status, slugOf(status), titleOf(status), detail);
  }
}

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function slugOf(status: number): string {
  return titleOf(status)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
