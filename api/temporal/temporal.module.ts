import {
  Global,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { Worker, type WorkerOptions } from '@temporalio/worker';

/** Where the Temporal client of the app comes from, and whether the app runs a worker. */
export type TemporalModuleOptions = (
  | {
      /** A client made by the caller: used as it is, and never closed by the app. */
      readonly client: Client;
    }
  | {
      /** Where to connect: the module connects at boot and closes that connection at shutdown. */
      readonly connection: ConnectionOptions;
      readonly namespace?: string;
    }
) & {
  /**
   * A worker run for as long as the app: started once the app has booted, shut down (and its
   * run awaited, so tasks in flight finish) when the app closes. Options: the module creates it.
   */
  readonly worker?: Worker | WorkerOptions;
};

/** Injects `TemporalModuleOptions`. */
const TEMPORAL_OPTIONS = Symbol('opsflow.api.temporal-options');

/**
 * The Temporal resources of one app and their lifecycle: which of them the app owns (a
 * connection it opened, a worker) decides what it closes, so a client shared with the rest of
 * the process outlives the app.
 */
export class TemporalResources implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('opsflow-temporal');
  private running: Promise<void> | undefined;

  private constructor(
    /** The client the other modules inject (`@Inject(Client)`). */
    readonly client: Client,
    /** The connection this module opened, if it opened one. */
    private readonly ownedConnection: Connection | undefined,
    /** The worker to run, if any. */
    readonly worker: Worker | undefined,
  ) {}

  /** Connects (when given an address) and creates the worker (when given options). */
  static async open(options: TemporalModuleOptions): Promise<TemporalResources> {
    let owned: Connection | undefined;
    let client: Client;
    if ('client' in options) {
      client = options.client;
    } else {
      owned = await Connection.connect(options.connection);
      client = new Client({
        connection: owned,
        ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      });
    }
    try {
      const given = options.worker;
      const worker = given === undefined || given instanceof Worker ? given : await Worker.create(given);
      return new TemporalResources(client, owned, worker);
    } catch (err) {
      await owned?.close();
      throw err;
    }
  }

  /** Whether the worker is running (false without one). */
  get workerRunning(): boolean {
    return this.worker?.getState() === 'RUNNING';
  }

  onApplicationBootstrap(): void {
    if (!this.worker) return;
    // The run promise settles when the worker stops; an early failure (e.g. it cannot poll) is
    // logged here, and awaited again (harmlessly) at shutdown.
    this.running = this.worker.run().catch((err: unknown) => {
      this.logger.error(`the worker stopped: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.running) {
      // `shutdown()` throws unless the worker is running (it may have stopped on its own).
      if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
      await this.running;
    }
    await this.ownedConnection?.close();
  }
}

/**
 * Provides the Temporal `Client` (and `TemporalResources`) to every module of the app, and owns
 * what it created: see `TemporalModuleOptions`.
 */
@Global()
@Module({})
export class TemporalModule {
  static forRoot(options: TemporalModuleOptions): DynamicModule {
    return {
      module: TemporalModule,
      providers: [
        { provide: TEMPORAL_OPTIONS, useValue: options },
        {
          provide: TemporalResources,
          useFactory: (o: TemporalModuleOptions) => TemporalResources.open(o),
          inject: [TEMPORAL_OPTIONS],
        },
        {
          provide: Client,
          useFactory: (resources: TemporalResources) => resources.client,
          inject: [TemporalResources],
        },
      ],
      exports: [Client, TemporalResources],
    };
  }
}
