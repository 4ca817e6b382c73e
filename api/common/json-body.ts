/**
 * The JSON body parsers, bounded in nesting depth: a body nested deeper than `MAX_JSON_DEPTH` is
 * refused (422, naming the limit) after one linear scan, before `JSON.parse` and before any
 * recursive walk of the value (validation, canonical JSON, the evaluator) could exhaust the stack.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from './problems';

/** Deepest nesting of arrays and objects accepted in a request body (event data: two less). */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of `[` and `{` in JSON text, outside strings; stops counting past `max`. */
export function jsonDepth(text: string, max = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** The problem of a body nested too deep: `invalid-event` on the event routes, else `invalid-body`. */
export function tooDeepProblem(url: string): ProblemError {
  const detail = `the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep (the nesting depth limit of request bodies)`;
  const errors = [{ path: '', message: detail }];
  return url.startsWith('/v1/events')
    ? new ProblemError(422, 'invalid-event', 'The event is not valid', detail, { errors })
    : new ProblemError(422, 'invalid-body', 'The request body is not valid', detail, { errors });
}

/**
 * Replaces Fastify's JSON parser (for `application/json` and CloudEvents' JSON media types) by one
 * that checks the nesting depth first, then parses as Fastify does (refusing `__proto__` and
 * `constructor` poisoning).
 */
export function addBoundedJsonParsers(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  const bounded = (
    request: FastifyRequest,
    body: string | Buffer,
    done: (err: Error | null, value?: unknown) => void,
  ) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(tooDeepProblem(request.url));
      return;
    }
    parse(request, text, done);
  };
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'],
    { parseAs: 'string' },
    bounded,
  );
}
