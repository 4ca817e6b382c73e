/** The opsflow API over HTTP, same origin, with the token the user signed in with. */

const TOKEN_KEY = 'opsflow.token';

/** A failed request: the problem the API answered (RFC 9457), or the network error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    message: string,
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WHOAMI_KEY);
  } else sessionStorage.setItem(TOKEN_KEY, token);
}

const WHOAMI_KEY = 'opsflow.whoami';

/**
 * The last whoami of this tab's token: a reload shows the page at once with it, while whoami is
 * asked again (a changed role or a revoked key then takes effect within the same second).
 */
export function storedWhoami(): Whoami | null {
  try {
    const text = sessionStorage.getItem(WHOAMI_KEY);
    return text ? (JSON.parse(text) as Whoami) : null;
  } catch {
    return null;
  }
}

export function storeWhoami(who: Whoami): void {
  sessionStorage.setItem(WHOAMI_KEY, JSON.stringify(who));
}

/** Called when the API says the token is no longer valid (401): the app signs out. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** Calls the API; `token` overrides the stored one (signing in). */
export async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  token: string | null = storedToken(),
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? {}) as Problem;
    const slug = problem.type?.split('/').pop() ?? 'error';
    if (response.status === 401 && token === storedToken()) onUnauthorized();
    throw new ApiError(
      response.status,
      slug,
      problem.detail ?? problem.title ?? `HTTP ${response.status}`,
      problem.errors ?? [],
    );
  }
  return parsed as T;
}

/** `?a=1&b=2` of the given values, leaving out empty ones. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const enc = encodeURIComponent;

// The shapes the console reads (docs/api.md): only the fields it shows.

export interface Whoami {
  role: string;
  name: string;
  groups: string[];
  permissions: string[];
}

export interface ManualInput {
  name: string;
  type: string;
  optional: boolean;
}

export type Trigger =
  | { kind: 'on'; event: string }
  | {
      kind: 'every';
      every: string | null;
      intervalMs: number | null;
      cron: string | null;
      timezone: string | null;
    }
  | { kind: 'manual'; inputs: ManualInput[] };

export interface RuleSummary {
  name: string;
  description: string | null;
  version: number;
  hash: string;
  trigger: Trigger;
  state: string;
  enabled: boolean;
  pausedAt: string | null;
  removedAt: string | null;
  updatedAt: string;
  lastRunAt: string | null;
}

export interface RuleDetail extends RuleSummary {
  sourcePath: string;
  source: string;
}

export interface RuleVersion {
  rule: string;
  version: number;
  hash: string;
  author: string;
  message: string | null;
  createdAt: string;
  current: boolean;
}

export interface RunSummary {
  runId: string;
  workflowId: string;
  rule: string | null;
  version: number | null;
  status: string;
  key: string | null;
  eventId: string | null;
  startedAt: string;
  closedAt: string | null;
}

export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

export interface RunStep {
  kind: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  where: string | null;
  source: SourceRef | null;
  detail: unknown;
}

export interface Waiting {
  kind: string;
  [field: string]: unknown;
}

export interface RunDetail extends RunSummary {
  trigger: { kind: string; [field: string]: unknown } | null;
  message: string | null;
  step: { kind: string; where: string; source: SourceRef | null } | null;
  waiting: Waiting[];
  timeline: RunStep[];
  timelineDropped: number;
  error: {
    type: string;
    message: string;
    where: string | null;
    file: string | null;
    line: number | null;
  } | null;
  rerunOf: string | null;
  reruns: string[];
  retryOf: string | null;
  retriedAs: string | null;
  temporalUiUrl: string | null;
}

export interface Outcome {
  rule: string;
  version?: number | null;
  outcome: string;
  workflowId?: string | null;
  runId?: string | null;
  detail?: string | null;
  at?: string | null;
}

export interface EventSummary {
  id: string;
  type: string;
  source: string | null;
  time: string;
  receivedAt: string;
  routing: { status: string; attempts: number; routedAt: string | null; error: string | null };
  outcomes: Outcome[];
}

export interface EventView extends EventSummary {
  data: unknown;
  declared: boolean;
}

export interface Approval {
  runId: string;
  workflowId: string;
  rule: string;
  key: string | null;
  description: string;
  by: string | null;
  deadline: string | null;
  requestedAt: string;
  mayDecide: boolean;
}

export interface Overview {
  since: string;
  hours: number;
  rules: { rule: string; state: string; counts: Record<string, number>; lastRunAt: string | null }[];
  pendingApprovals: number;
}

export interface ScheduleView {
  rule: string;
  scheduleId: string;
  version: number;
  paused: boolean;
  note: string | null;
  every: string | null;
  nextActionTimes: string[];
  recentActions: { scheduledAt?: string; takenAt?: string; [field: string]: unknown }[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  rule: string | null;
  version: number | null;
  detail: unknown;
}
