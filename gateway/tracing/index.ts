/**
 * The tracing room (docs/tracing.md): OpenTelemetry spans with
 * `@opentelemetry/api`; the SDK only when the config asks for an exporter (`provider.ts`) or the
 * caller hands over a provider. Stages, each a room of its own in the composition root's list:
 *
 * - `operations` (request and operation stages, first of the GraphQL rooms so the operation's span
 *   covers identity, admission and limits): `graphql.operation <name>` (SERVER, the client's
 *   `traceparent` its parent) with `graphql.parse`, `graphql.validate`, `graphql.execute`
 *   (`operation.ts`). Hooks `onParams`, envelop's and `onExecutionResult` only: the JSON fast path
 *   stays on.
 * - plan: `onPlan`, the engine's observer: `graphql.plan` under `graphql.execute`, its cache hit
 *   marked.
 * - `subgraphs` (subgraph stage inside dedup, HTTP stage outermost): `graphql.subgraph <name>`
 *   (CLIENT) per call, its `traceparent` sent to the subgraph, the HTTP status recorded
 *   (`subgraph.ts`).
 *
 * Off (`tracing.enabled: false` and no `tracerProvider`), there is no room and no observer.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { TracingConfig } from '../config/tracing-schema.ts';
import type { Room } from '../room.ts';
import { type PlanEvent, type TracerSource, traceOperations } from './operation.ts';
import { type ImportModule, loadTracerProvider, type OwnedTracerProvider, otlpHeaders } from './provider.ts';
import { traceSubgraphCalls } from './subgraph.ts';

export type { PlanEvent } from './operation.ts';

export interface TracingOptions {
  /** The `tracing` section of the config, resolved. */
  config: TracingConfig;
  /**
   * A provider of the caller's (tests, programmatic use, an SDK set up by the application): its
   * tracer is used as it is (exporters, sampler), and it is not shut down by the gateway. Tracing
   * is on with one even when `config.enabled` is false. @default undefined
   */
  tracerProvider?: TracerProvider;
  /** Where `{ env: NAME }` header values are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** How the SDK packages are imported (tests). @default import() */
  importModule?: ImportModule;
}

export interface Tracing {
  /** Request and operation stages: the operation's span and its parse, validate and execute spans. */
  operations: Room;
  /** Subgraph stage (inside dedup) and HTTP stage: one span per subgraph call. */
  subgraphs: Room;
  /** Plan stage: the engine's observer (`EngineOptions.onPlan`). */
  onPlan(event: PlanEvent): void;
  /** Settles once the provider is ready; rejects with CONFIG_INVALID when the SDK is not installed. */
  ready: Promise<void>;
}

/** The instrumentation scope of every span. */
const TRACER_NAME = 'gatehouse';

/** The tracing rooms; undefined when tracing is off (nothing is added anywhere). */
export function createTracing(options: TracingOptions): Tracing | undefined {
  const { config, tracerProvider } = options;
  if (!config.enabled && tracerProvider === undefined) return undefined;
  const source: TracerSource = { tracer: undefined };
  let owned: OwnedTracerProvider | undefined;
  let ready: Promise<void>;
  if (tracerProvider !== undefined) {
    source.tracer = tracerProvider.getTracer(TRACER_NAME);
    ready = Promise.resolve();
  } else {
    // At once, not in the promise: an unset header variable stops the gateway before it loads.
    otlpHeaders(config, options.env ?? process.env);
    ready = loadTracerProvider(config, options.env ?? process.env, options.importModule).then((provider) => {
      owned = provider;
      source.tracer = provider.getTracer(TRACER_NAME);
    });
    // Awaited by the gateway's start; a gateway closed unstarted must not leave it unhandled.
    ready.catch(() => undefined);
  }
  const operations = traceOperations({ source, includeDocument: config.includeDocument });
  const subgraphs = traceSubgraphCalls({
    source,
    parentOf: operations.parentOf,
    propagate: config.propagate,
  });
  return {
    operations: {
      name: 'tracing',
      plugin: operations.plugin,
      // Spans still in a batch are exported before the gateway exits; closed after the server
      // has drained (the room list closes in reverse, this room sits early in it).
      async close() {
        await ready.catch(() => undefined);
        if (owned === undefined) return;
        await owned.forceFlush();
        await owned.shutdown();
      },
    },
    subgraphs: { name: 'tracing-subgraphs', subgraph: subgraphs.subgraph, http: subgraphs.http },
    onPlan: operations.onPlan,
    ready,
  };
}
