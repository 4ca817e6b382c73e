import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Installs the Temporal runtime with a logger that only reports warnings (or only errors), so
 * output is not buried under worker state changes and bundler statistics. Must run before the
 * first Worker; later calls do nothing.
 */
export function quietTemporalRuntime(level: 'WARN' | 'ERROR' = 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level),
    // The SDK core's own log lines (e.g. a capability the test server does not advertise) too.
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level }), console: {} } },
  });
}
