import { HttpStatus, SetMetadata, applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  getSchemaPath,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ACCESS_KEY, type Access } from '../auth/role.decorator';
import { ProblemSchema } from './problem.schema';

/** The extension naming the least role of an operation (`public`: no token). */
export const ROLE_EXTENSION = 'x-opsflow-role';

/** The name of the bearer security scheme in the spec. */
export const BEARER_SCHEME = 'bearer';

/** Why an error status is answered, for the spec. */
const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'malformed-body: the body is not valid JSON',
  401: 'unauthorized: no valid bearer token',
  403: 'forbidden: the token’s role is too small',
  404: 'not-found',
  409: 'the run or rule is not in a state that allows it',
  413: 'body-too-large',
  415: 'unsupported-media-type: the body is not JSON',
  422: 'the body or query parses but is wrong (names the fields, or carries diagnostics)',
  429: 'rate-limited: over OPSFLOW_INGEST_RATE_LIMIT for this key; see Retry-After',
  503: 'not-ready: a dependency does not answer',
};

/** How a route is described: its access, its success response, the errors it may answer. */
export interface ApiRouteOptions {
  /** The least role; also enforced (this sets the auth guard's metadata). */
  readonly access: Access;
  readonly summary: string;
  /** More than the summary; the role sentence is added. */
  readonly description?: string;
  /** The success status (default 200). */
  readonly status?: number;
  /** The success body: a schema class, or an inline schema; none for an empty response. */
  readonly response?: Type | SchemaObject;
  /** Content type of the success body when it is not JSON. */
  readonly produces?: string;
  /** Error statuses besides 401/403 (added for every non-public route) and 500. */
  readonly errors?: readonly number[];
  /** Schema classes an inline `response` (or a request body) refers to with `getSchemaPath`. */
  readonly models?: readonly Type[];
}

/**
 * One decorator per route for both its access (what the auth guard enforces) and its OpenAPI
 * description, so the role the spec states is the role the code checks.
 */
export function ApiRoute(options: ApiRouteOptions): MethodDecorator {
  const { access } = options;
  const status = options.status ?? HttpStatus.OK;
  const roleText =
    access === 'public'
      ? 'No token needed.'
      : access === 'authenticated'
        ? 'Needs a bearer token of any role.'
        : `Needs a bearer token with the role \`${access}\` or above.`;
  const errors = [...(access === 'public' ? [] : [401, 403]), ...(options.errors ?? []), 500];
  const models = [ProblemSchema, ...(typeof options.response === 'function' ? [options.response] : [])];
  const decorators: MethodDecorator[] = [
    SetMetadata(ACCESS_KEY, access),
    ApiExtraModels(...models, ...(options.models ?? [])),
    ApiOperation({
      summary: options.summary,
      description: [options.description, roleText].filter(Boolean).join('\n\n'),
    }),
    ApiExtension(ROLE_EXTENSION, access),
    ApiResponse(successResponse(status, options.response, options.produces)),
    ...[...new Set(errors)].sort((a, b) => a - b).map((code) => ApiResponse(problemResponse(code))),
  ];
  if (access !== 'public') decorators.push(ApiBearerAuth(BEARER_SCHEME));
  return applyDecorators(...decorators);
}

function successResponse(
  status: number,
  response: Type | SchemaObject | undefined,
  produces: string | undefined,
): ApiResponseOptions {
  const description = status === 204 ? 'No content' : 'Success';
  if (response === undefined) return { status, description };
  const schema: SchemaObject | ReferenceObject =
    typeof response === 'function' ? { $ref: getSchemaPath(response) } : response;
  return { status, description, content: { [produces ?? 'application/json']: { schema } } };
}

function problemResponse(status: number): ApiResponseOptions {
  return {
    status,
    description: ERROR_DESCRIPTIONS[status] ?? 'internal: the request failed on the server',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemSchema) } } },
    ...(status === 429
      ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
      : {}),
  };
}
