/** Event ingest: envelopes (CloudEvents 1.0, short form), validation, and the event store. */
export { DEFAULT_MAX_BATCH, DEFAULT_MAX_DATA_BYTES, parseEvents } from './envelope';
export type { IncomingEvent, IngestLimits, ParsedEvents } from './envelope';
export { DEFAULT_MAX_CAUSAL_DEPTH, EventStore, emittedEventId } from './event-store';
export type { EventStoreOptions, IngestedEvent } from './event-store';
export { EmitFailureTypes, createEmitEvent } from './emit';
export { toRunEvent, type StoredEventRow } from './stored-event';
export { RUN_FAILED_TYPE, createStoreRunFailed, storeRunFailed } from './run-failed';
export type { RunFailedInput, RunFailedStored } from './run-failed';
