import type { Plugin } from 'graphql-yoga';
import { createAdmin } from './admin/index.ts';
import { createAuth } from './auth/index.ts';
import { createCache, forwardedInputs } from './cache/index.ts';
import { useCsrfPrevention } from './csrf/index.ts';
import { createDemandControl } from './demand-control/index.ts';
import { createEngine } from './engine/index.ts';
import { useCollapseErrors } from './errors/collapse.ts';
import { createMaskError } from './errors/mask.ts';
import { useOperationErrorCodes } from './errors/operation-errors.ts';
import { useErrorStatus } from './errors/status.ts';
import type { Gateway, GatewayOptions } from './gateway.ts';
import { createGraphiQL } from './graphiql/index.ts';
import { createHeaderRules } from './headers/index.ts';
import { useHealth } from './health/index.ts';
import { createUpstreamClient, type UpstreamClient } from './http/index.ts';
import { useIncrementalDelivery } from './incremental/index.ts';
import { useIntrospectionControl } from './introspection-control/index.ts';
import { useOperationLimits } from './limits/index.ts';
import { createLoadBalancing } from './load-balancing/index.ts';
import { createLoadShedding } from './load-shedding/index.ts';
import { accessLogFor, loggerOptions } from './logger/config.ts';
import { createLogger } from './logger/index.ts';
import { createMetrics } from './metrics/index.ts';
import { createObserve } from './observe/index.ts';
import { createFieldPolicies } from './policies/index.ts';
import { createRateLimits } from './rate-limit/index.ts';
import { createRedisConnection } from './redis/index.ts';
import { createRegistryStore } from './registry/index.ts';
import { createResilience } from './resilience/index.ts';
import { optional, type Room, stagesOf } from './room.ts';
import { type Listening, listen } from './server/index.ts';
import { observedListener } from './server/observe.ts';
import { productionDefaults } from './server/production.ts';
import { requestListener } from './server/request-listener.ts';
import { createGatewayYoga } from './server/yoga.ts';
import { supergraphFromConfig } from './supergraph/from-config.ts';
import { useSupergraphSchema } from './supergraph/plugin.ts';
import { createTracing } from './tracing/index.ts';
import { createTrustedDocuments } from './trusted-documents/index.ts';
import {
  callHeaders,
  checkEntityCount,
  createLoadContext,
  createPipeline,
  dedupRequests,
  errorsAsData,
} from './upstream/index.ts';
import { createUsage } from './usage/index.ts';

export type { Gateway, GatewayOptions } from './gateway.ts';

export function createGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  const logger = options.logger ?? createLogger(loggerOptions(config, options.env));
  // Prometheus metrics (undefined when off), read at scrape time from rooms built below.
  const metrics = createMetrics({
    config: config.metrics,
    graphqlPath: config.server.graphqlPath,
    host: config.server.host,
    logger,
    sources: {
      schema: () => supergraph.status(),
      breakers: () => resilience.breakers.snapshot(),
      plansCached: () => engine.plansCached(supergraph.schema),
    },
  });
  // First: a bad manifest is a startup error before anything else is built.
  const trustedDocuments = createTrustedDocuments(config.trustedDocuments);
  // The supergraph loads through the client, the client's interceptors come from the rooms, and
  // one room serves the supergraph: the load context reads the client when a load runs.
  let client: UpstreamClient | undefined;
  const pipeline = createPipeline((subgraph) => stages.wrappers(subgraph));
  // Spans of operations, plans and subgraph calls; undefined when tracing is off.
  const { tracerProvider, env } = options;
  const tracing = createTracing({ config: config.tracing, tracerProvider, env });
  const engine = createEngine({
    mode: config.engine,
    planCache: config.planCache,
    overrideLabels: config.overrideLabels,
    planTimeout: config.planTimeout,
    onPlan: tracing?.onPlan,
    logger,
  });
  const demandControl = createDemandControl({
    ...config.demandControl,
    subgraphs: new Map(config.subgraphs.map((s) => [s.name, s.cost ?? {}])),
    logger,
  });
  // One Redis connection for every room that keeps shared state; connects in the background.
  const redis = config.redis
    ? createRedisConnection({ ...config.redis, logger, env: options.env })
    : undefined;
  // Operations and the coordinates they use, counted (`usage.enabled`); read by `gatehouse check`.
  const usage = createUsage({ config: config.usage, redis, logger });
  // Always made: field limits may come with any subgraph's SDL (`@rateLimit`).
  const rateLimits = createRateLimits({
    config: config.rateLimit,
    redis,
    logger,
    subgraphFieldLimits: new Map(config.subgraphs.map((s) => [s.name, s.rateLimits ?? {}])),
    listSize: demandControl.listSize,
    events: metrics?.events,
  });
  const cache = createCache({
    config: config.cache,
    subgraphs: new Map(config.subgraphs.map((s) => [s.name, s.cacheControl ?? {}])),
    logger,
    forwarded: forwardedInputs(config.headers),
    shapedBy: config.headers,
    redis,
    events: metrics?.events,
  });
  const policies = createFieldPolicies({
    policies: config.policies,
    subgraphs: new Map(config.subgraphs.map((s) => [s.name, s.policies ?? {}])),
    maxFields: config.limits.maxFields,
    realm: config.auth.realm,
    logger,
    gate: rateLimits.fields.gate,
  });
  // The schema registry's store (`registry.enabled`): its subgraphs are served beside the config's.
  const registryStore = config.registry.enabled
    ? createRegistryStore(config.registry, { redis, logger })
    : undefined;
  const supergraph = supergraphFromConfig(config, {
    registry: registryStore,
    context: createLoadContext(() => client!, pipeline),
    pipeline,
    // Policies first: a schema whose policies cannot be enforced is never planned nor served;
    // nor one whose config costs name coordinates it does not have.
    prepare: (served) => {
      for (const room of [policies, rateLimits.fields, cache, demandControl, engine]) room.prepare(served);
    },
    logger,
    env: options.env,
  });

  // Production mode: GraphiQL, introspection and suggestions off unless their keys say.
  const devDefault = productionDefaults(config.server, options.env ?? process.env, logger);
  // GraphiQL from local files, not a CDN: the page (renderGraphiQL below) and its assets (plugin).
  const graphiql = devDefault(config.server.graphiql) ? createGraphiQL() : undefined;
  // The access log (a line per request once answered); probes and GraphiQL's files at debug.
  const accessLog = accessLogFor(config, logger, options.env, graphiql?.assetsPath);
  // Each request's record (operation, subgraph calls) for metrics and the access log.
  const observe = metrics || accessLog ? createObserve({ calls: accessLog !== undefined }) : undefined;

  // Breakers, retries, bulkheads and deadlines, per subgraph from `upstream` and its own entry.
  const resilience = createResilience(config, logger);
  // Subgraphs of a supergraph file have no entry: they get the default (`shared`).
  const dedupModes = new Map(config.subgraphs.map((s) => [s.name, s.dedup]));
  // Subgraphs with several URLs (`loadBalancing`); undefined when none has any.
  // A target whose circuit breaker is open is skipped.
  const loadBalancing = createLoadBalancing({
    subgraphs: config.subgraphs,
    logger,
    isOpen: resilience.breakers.isOpen,
  });
  // Who is calling; its JWT verifier (one JWKS cache) also admits admin requests (`admin.scope`).
  const auth = createAuth(config.auth, { logger, env: options.env ?? process.env });
  // The admin endpoint (`admin.enabled`): at `admin.path`, or on its own `admin.port`.
  const admin = createAdmin(config.admin, {
    purge: cache.purge,
    store: config.cache.store,
    logger,
    env: options.env,
    host: config.server.host,
    verifyBearer: auth.verifyBearer,
    registry: supergraph.registry && { graph: supergraph.registry, status: () => supergraph.status() },
    ...(usage && { usage: usage.reader }),
  });
  const rooms: Room[] = [
    // First in the list, so closed last (the list closes in reverse): the pooled connections,
    // once every other room has stopped using them.
    { name: 'upstream-client', close: () => client?.close() },
    // Closed after every room that uses it (the list closes in reverse).
    ...(redis ? [{ name: 'redis', close: () => redis.close() }] : []),
    // Closed after the supergraph room stops reading it (the list closes in reverse).
    ...(registryStore ? [{ name: 'registry', close: () => registryStore.close() }] : []),
    // Request stage, first: health answers without touching GraphQL.
    {
      name: 'health',
      plugin: useHealth({
        healthPath: config.server.healthPath,
        readyPath: config.server.readyPath,
        readyDetails: config.server.readyDetails,
        status: () => supergraph.status(),
        circuitBreakers: () => resilience.breakers.snapshot(),
        loadBalancing: loadBalancing && (() => loadBalancing.status()),
      }),
      requestPaths: [config.server.healthPath, config.server.readyPath],
    },
    // Request stage, right after health (it answers with no caller): `GET <metrics.path>`.
    ...(metrics ? [metrics.endpoint] : []),
    // Request stage, before anything GraphQL: the admin endpoint (its token or a JWT scope).
    ...optional(admin?.room),
    // Request stage: GraphiQL's script and stylesheet, before anything GraphQL.
    ...(graphiql ? [{ name: 'graphiql', plugin: graphiql.plugin, requestPaths: [graphiql.assetsPath] }] : []),
    // Request stage, before any body is read: POSTs a browser may send cross-site without a
    // preflight (forms, text/plain, multipart without uploads) are refused. It passes every JSON
    // POST untouched, so the fast path (which takes only those) stays on. With a cookie credential
    // (sent by the browser by itself), a GET operation needs a preflight header too.
    {
      name: 'csrf',
      plugin: useCsrfPrevention({
        ...config.server.csrf,
        uploads: config.server.uploads,
        cookieCredentials: config.auth.token.cookie !== undefined,
      }),
      passesJsonPosts: true,
    },
    // Operation stage, before any room that may answer without running (the response cache): the
    // operation's name and type in the request's record, for metrics and the access log.
    ...(observe ? [observe.operations] : []),
    // Request stage, first of the GraphQL requests' rooms: the operation's span starts at
    // `onParams` (so it covers identity, admission and limits), the client's traceparent its
    // parent; parse, validate and execute spans under it. Closed late: spans flushed at the end.
    ...(tracing ? [tracing.operations] : []),
    // Request stage, first of the GraphQL requests' rooms: the request's deadline starts here
    // (`deadline`; shortened by the client's header), before identity (a slow JWKS fetch spends it).
    resilience.deadlineRoom,
    // Request stage, after health and GraphiQL (they answer with no caller), before any GraphQL
    // work: who is calling (`onParams`, so the fast path stays on). An invalid credential, or none
    // where `auth.required`, is a 401 here; every later stage reads the caller (`identityOf`).
    auth,
    // Request stage, after auth (classes may read the caller's plan, tenant, claims), before the
    // rate limits (a shed request spends no limit) and any GraphQL work: over the concurrency
    // limit, the lowest priority class is shed with 503 (`onParams`, so the fast path stays on).
    // Response stage: an admitted request counts in flight until its response closes.
    ...optional(createLoadShedding(config.loadShedding, { logger, events: metrics?.events })),
    // Request stage, after auth (limits count per subject, tenant, API key, plan), before any
    // GraphQL work: a request over a limit ends with 429 (`onParams`, so the fast path stays on).
    // Response stage: the RateLimit headers.
    rateLimits.request,
    // Operation stage, before limits: a document sent by id is replaced by its text here, so limits,
    // parsing and validation see it as if it had been sent; in allow-list mode, other documents
    // are refused before any parsing (`onParams`, so the fast path stays on).
    trustedDocuments,
    // Operation stage: variables, the document's text and then its tree are checked
    // against `limits` before anything else parses, validates or plans (limits/index.ts).
    { name: 'limits', plugin: useOperationLimits(config.limits) },
    // Operation stage: introspection refused by a validation rule (so on both engines and the
    // fast path) and suggestions cut from errors, as the mode says.
    {
      name: 'introspection-control',
      plugin: useIntrospectionControl({
        introspection: devDefault(config.server.introspection),
        fieldSuggestions: devDefault(config.server.fieldSuggestions),
      }),
    },
    // Operation stage: every operation runs on the schema in service when it starts. Its close
    // stops the reload timers before the pool closes.
    { name: 'supergraph', plugin: useSupergraphSchema(supergraph), close: () => supergraph.stop() },
    // Response stage: a result with no data (the operation never ran) answers the catalogue's
    // status for its gateway errors. Yoga runs result hooks after every `onExecuteDone` (so the
    // codes operation-errors gives are set) and in plugin order (so before collapse-errors).
    { name: 'error-status', plugin: useErrorStatus() },
    // Operation stage: errors raised before execution (variables; a subscription) get a code.
    { name: 'operation-errors', plugin: useOperationErrorCodes() },
    // Operation stage (`onExecute`, so the fast path stays on), once validated and before any room
    // that may refuse it (cost, policies) or answer it (the response cache): every operation a
    // client sends is a use of what it selects. Closed before Redis: its last counts are written.
    ...optional(usage?.room),
    // Operation stage, after the request stage set the caller's identity: an operation whose
    // headers cannot be sent is refused before it is planned. Subgraph stage: its `headers` hook
    // (config `headers`, and traceparent and the request id) runs in `call-headers`, before dedup.
    // Response stage: the request id goes back in `x-request-id`. The headers auth reads a
    // credential from are never forwarded by a `matching` rule.
    createHeaderRules({
      rules: config.headers,
      credentialHeaders: [config.auth.token.header, config.auth.apiKeys?.header],
    }),
    // Operation stage: `@defer` validated; dropped for a client that accepts no stream. Before
    // the engine, which sees the operation as it will run.
    { name: 'incremental-delivery', plugin: useIncrementalDelivery({ streams: engine.runsPlans }) },
    // Operation stage, before planning: the operation's estimated cost (`@cost`, `@listSize`),
    // refused over `demandControl.maxCost`. After limits (their cheap checks refuse huge documents
    // before any cost walk) and trusted documents (it costs the document that will run), after
    // @defer's flattening; before field policies (the cost is that of the operation as sent, what
    // a tenant's budget is spent in) and the engine (a refused operation is never planned).
    // Rooms that read `operationCostOf(request)` (rate limits) sit after it.
    { name: 'demand-control', plugin: demandControl.plugin },
    // Operation stage, after demand control: limits with `cost: operation` spend its cost.
    ...(rateLimits.operation ? [rateLimits.operation] : []),
    // Operation stage: fields the caller may not see are taken out of the operation (answered
    // null with an error). After limits (an oversized operation is refused before any policy
    // runs) and @defer's flattening (it sees the document that will run); before the engine, so
    // plans are made and cached per policy outcome and never see a refused field.
    { name: 'field-policies', plugin: policies.plugin },
    // Operation stage, after field policies (the key is the operation as it runs for this caller:
    // what a policy took out is not in it) and before the engine (an answer from the cache runs
    // nothing). Response stage: `Cache-Control`, `ETag`, `Age`; answers without errors are kept.
    cache.room,
    // Plan stage: operations on a schema the planner took run on its cached plans (our executor
    // and projection); the others on the stitching engine. After every operation-stage room.
    { name: 'engine', plugin: engine.plugin },
    // Operation stage, right after the engine (it runs the engine's execute function): a stale
    // answer the response cache serves while it is refreshed is run again here, in the background.
    cache.refreshRoom,
    // Response stage, after the mask: identical errors (one per entity when a subgraph is down)
    // are sent once, with their paths.
    { name: 'collapse-errors', plugin: useCollapseErrors() },
    // Subgraph stage, outermost: nothing below may throw past the planner; every failure
    // (including a bug in a room below) becomes an error with a code.
    { name: 'errors-as-data', subgraph: ({ name }) => errorsAsData(name) },
    // Subgraph stage: every room's `headers` hook, before dedup, whose key holds every header a
    // call carries (forwarded identities never share a call).
    { name: 'call-headers', subgraph: (info) => callHeaders(stages.headerRules(info)) },
    // Subgraph stage, before dedup (a call whose entities are all kept is never sent): the entity
    // cache (`cache.entities`); calls carry the headers of the rule above, part of its keys.
    cache.entityRoom,
    // Subgraph stage, before dedup (each caller's calls, shared or not): the access log's calls.
    ...optional(observe?.calls),
    // Subgraph stage: identical queries in flight are sent once (per subgraph: across operations,
    // within one, or off); every step below sees one call, retries included.
    { name: 'dedup', subgraph: ({ name }) => dedupRequests(name, dedupModes.get(name)) },
    // Subgraph stage, inside dedup (a shared call counts once): call durations and failures.
    ...(metrics ? [metrics.calls] : []),
    // Subgraph stage, right inside dedup (a shared call has one span): a span per call, whose
    // traceparent the call carries; its HTTP interceptor, outermost, records the final status.
    ...(tracing ? [tracing.subgraphs] : []),
    // HTTP stage, outermost: retries (idempotent calls, within the budget and the deadline), then
    // the deadline of each attempt, then the subgraph's bulkhead (calls in flight, bounded queue).
    resilience.room,
    // Subgraph stage, inside dedup (a shared call spends once), outside the caller's rooms: a
    // call over its subgraph's limit is never sent.
    ...(rateLimits.subgraphs ? [rateLimits.subgraphs] : []),
    // HTTP stage, outside the caller's rooms (per-origin breakers see the chosen URL): a call to a
    // subgraph with several URLs goes to one that may take it. Its `headers` hook (the pin header)
    // runs in `call-headers`, before dedup.
    ...(loadBalancing ? [loadBalancing] : []),
    // The caller's rooms: inside dedup, so metrics, breakers and retries see one upstream call.
    ...(options.rooms ?? []),
    // Subgraph stage, next to the answer: `_entities` must answer one entry per representation.
    { name: 'entity-count', subgraph: ({ name }) => checkEntityCount(name) },
    // HTTP stage, innermost (after load balancing picked the URL): the circuit breaker of the
    // call's subgraph and origin; an open one fails the call at once (SUBGRAPH_CIRCUIT_OPEN).
    resilience.breakerRoom,
  ];
  const stages = stagesOf(rooms);
  client = createUpstreamClient(config.upstream, logger, stages.interceptors);
  // Active health checks of load-balanced URLs go through the client; the room's close stops them.
  loadBalancing?.start(client);
  const plugins: Plugin[] = stages.plugins;

  const maskError = createMaskError(logger, config.subgraphErrors);
  const yoga = createGatewayYoga({ config, plugins, maskError, graphiql, logger });
  // Metrics and the access log are told of each request once answered (fast path and Yoga).
  const handler = observedListener(requestListener(yoga, rooms, config, maskError, logger), {
    metrics: metrics?.requestDone,
    accessLog,
    logger,
  });

  let listening: Listening | undefined;
  let started: Promise<void> | undefined;
  // A first schema kept out of service because its policies cannot be enforced (or its config
  // costs read) stops the start.
  // Redis is waited for (at most its connectTimeout) while the subgraphs load, so the first
  // requests are counted in it; a Redis that is down delays nothing more (its limits fail as set).
  const redisReady = () => redis?.ready(config.redis?.connectTimeout).catch(() => undefined);
  const start = () =>
    (started ??= Promise.all([supergraph.start(), redisReady(), tracing?.ready]).then(() => {
      for (const room of [policies, demandControl, rateLimits.fields, cache])
        room.checkStarted(supergraph.schema !== undefined);
    }));

  return {
    yoga,
    supergraph,
    client: client!,
    start,
    handler,
    ...(metrics && config.metrics.port !== undefined && { metricsHandler: metrics.portHandler }),
    ...(admin?.portHandler && { adminHandler: admin.portHandler }),
    closeRooms: () => stages.close(),
    ...(usage && { usage: usage.reader }),
    async listen() {
      listening = await listen(handler, config.server);
      await metrics?.listen();
      const adminUrl = await admin?.listen();
      // Bound first, loaded second: /healthz answers (and /readyz says "not ready") while the
      // subgraphs load, so an orchestrator's liveness probe does not kill a slow start.
      await start();
      return {
        url: listening.url,
        port: listening.port,
        server: listening.server,
        ...(adminUrl !== undefined && { adminUrl }),
      };
    },
    async close() {
      // The server first (in-flight requests finish), then every room in reverse order: the
      // supergraph's reloads and health checks, and last the pooled connections.
      await listening?.close();
      await stages.close();
    },
  };
}
