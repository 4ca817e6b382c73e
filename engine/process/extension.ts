import type { Client } from '@temporalio/client';
import type { EmitEvent } from '../../activities/contract';
import type { ReadWindow } from '../../activities';
import type { Config } from '../config';
import type { Database } from '../db/sql';
import type { EngineActivities } from '../../workflows/contract';

/**
 * Tells the router of this process that events were stored, so it routes them at once rather
 * than at its next poll: the API part (ingest) and the worker's `emit` notify, the engine part's
 * router listens. Other processes' routers find the events by polling.
 */
export interface EventsStoredSignal {
  notify(): void;
  /** Calls `listener` on every `notify`; returns the function that stops listening. */
  listen(listener: () => void): () => void;
}

/** A signal whose `notify` calls the listeners registered at that time. */
export function eventsStoredSignal(): EventsStoredSignal {
  const listeners = new Set<() => void>();
  return {
    notify: () => listeners.forEach((listener) => listener()),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What a process hands the parts it hosts. */
export interface ProcessContext {
  readonly config: Config;
  readonly db: Database;
  readonly client: Client;
  readonly log: (line: string) => void;
  readonly eventsStored: EventsStoredSignal;
}

/** A part that is running and stops on shutdown (it must stop taking new work first). */
export interface RunningPart {
  stop(): Promise<void>;
}

/**
 * How the engine core (registry, ingest, router) and the API plug into the processes without
 * the process code knowing them: `opsflow start` and `opsflow api` pass the parts they host.
 */
export interface EnginePart {
  readonly name: string;
  /** For the worker: `subscribe`/`unsubscribe` of waiting runs. */
  engineActivities?(ctx: ProcessContext): EngineActivities;
  /** For the worker: stores a rule's `emit` as an event. */
  emitEvent?(ctx: ProcessContext): EmitEvent;
  /** v2, for the worker: reads the event log for windows in `do`. */
  readWindow?(ctx: ProcessContext): ReadWindow;
  /** Starts taking work (router loop, HTTP server) once the worker runs. */
  start?(ctx: ProcessContext): Promise<RunningPart>;
}

/**
 * Parts that live outside engine/ (the REST API in api/ imports engine/, never the reverse): the
 * binary composes them and hands them to the command line.
 */
export interface CliExtensions {
  /** The REST API part; without it `opsflow api` is not offered and `opsflow start` runs without API. */
  readonly apiPart?: () => EnginePart;
}
