/**
 * What each loader needs to know about its subgraph. `schema/` does not import the gateway's
 * config: these types are satisfied structurally by the config's checked output
 * (`gateway/config`'s `SubgraphConfig`), and by any caller that builds them by hand.
 */

interface CommonOptions {
  /** Unique name; `serviceName` in errors. */
  name: string;
  /** The endpoint (GraphQL) or base URL (REST). */
  url: string;
  /** Deadline for one request, in milliseconds. @default the client's request timeout */
  timeout?: number;
  /** Headers added to every request. @default {} */
  headers?: Readonly<Record<string, string>>;
}

export interface FederationSubgraphOptions extends CommonOptions {
  kind: 'federation';
  /** Read the SDL from this file instead of asking `{ _service { sdl } }`. @default undefined */
  schemaFile?: string;
  /** The SDL itself (a registry entry's), instead of `schemaFile` or the service. @default undefined */
  sdl?: string;
}

/** A lookup field that resolves an entity of a plain GraphQL service by its key. */
export interface LookupOptions {
  type: string;
  /** Key fields, in `@key(fields:)` syntax. */
  key: string;
  field: string;
  argument: string;
  batch: boolean;
}

export interface GraphqlServiceOptions extends CommonOptions {
  kind: 'graphql';
  /** Read the SDL from this file instead of introspecting. @default undefined */
  schemaFile?: string;
  /** The SDL itself (a registry entry's), instead of `schemaFile` or introspection. @default undefined */
  sdl?: string;
  /** @default [] */
  lookups: readonly LookupOptions[];
}

/** With `openapi`: a generated type that is an entity, and how to fetch it. */
export interface RestEntityOptions {
  type: string;
  key: string;
  operation?: string;
  batchOperation?: string;
  batchParameter?: string;
}

export interface RestSubgraphOptions extends CommonOptions {
  kind: 'rest';
  /** SDL with `@rest` directives; exactly one of `schemaFile`, `sdl` and `openapi`. */
  schemaFile?: string;
  /** The same SDL given inline (a registry entry's). */
  sdl?: string;
  /** OpenAPI 3 document (JSON or YAML file). */
  openapi?: string;
  /** @default [] */
  entities: readonly RestEntityOptions[];
  /** Parallel calls per lookup batch without a batch endpoint. @default LOOKUP_CONCURRENCY */
  concurrency: number;
}

export type SubgraphOptions = FederationSubgraphOptions | GraphqlServiceOptions | RestSubgraphOptions;
