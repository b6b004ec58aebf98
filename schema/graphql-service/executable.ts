/**
 * The in-process federation subgraph in front of a plain GraphQL service: the service's types,
 * plus `_service` and `_entities`. Root fields delegate to the service (the planner's arguments,
 * variables, aliases and fragments go through as written); `_entities` goes through the lookups;
 * every other field reads the delegated result (`mergedFieldResolver`, which also raises the
 * service's errors where they belong). The executor runs it in process; it is bare, the
 * composition root wraps it in the subgraph pipeline.
 */
import { delegateToSchema, type Subschema } from '@graphql-tools/delegate';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { ExecutionResult } from '@graphql-tools/utils';
import {
  type DocumentNode,
  execute,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  OperationTypeNode,
  parse,
} from 'graphql';
import { clientSignal, setRootSignal } from '../../core/client-signal.ts';
import { rootWithHeaders } from '../../core/outgoing-headers.ts';
import type { SubgraphExecutor, SubgraphRequest } from '../../core/subgraph-call.ts';
import { createEntitiesResolver } from './entities.ts';
import { asRemoteResult, mergedFieldResolver } from './errors.ts';
import type { ResolvedLookup } from './lookups.ts';

export interface ServiceSubgraphOptions {
  serviceName: string;
  /** The service's types, normalised (`normalisedServiceSdl`). */
  typeDefs: DocumentNode;
  /** The federation SDL, answered by `_service { sdl }`. */
  sdl: string;
  /** The remote service: its own schema (original root names) and the bare HTTP transport. */
  subschema: Subschema;
  lookups: readonly ResolvedLookup[];
}

type Resolvers = Record<string, Record<string, unknown>>;

export function buildServiceSubgraphSchema(options: ServiceSubgraphOptions): GraphQLSchema {
  const { subschema, lookups } = options;
  const remote = subschema.schema;
  const resolvers: Resolvers = {
    Query: rootResolvers(remote.getQueryType()?.getFields(), OperationTypeNode.QUERY, subschema),
  };
  const mutation = remote.getMutationType();
  if (mutation)
    resolvers.Mutation = rootResolvers(mutation.getFields(), OperationTypeNode.MUTATION, subschema);

  const federation = [
    'scalar _Any',
    'type _Service { sdl: String }',
    'extend type Query { _service: _Service! }',
  ];
  resolvers.Query!._service = () => ({ sdl: options.sdl });
  if (lookups.length > 0) {
    federation.push(
      `union _Entity = ${lookups.map((l) => l.type).join(' | ')}`,
      'extend type Query { _entities(representations: [_Any!]!): [_Entity]! }',
    );
    resolvers.Query!._entities = createEntitiesResolver({
      serviceName: options.serviceName,
      subschema,
      lookups,
    });
    resolvers._Entity = { __resolveType: (value: { __typename?: unknown }) => value.__typename };
  }

  return makeExecutableSchema({
    typeDefs: [options.typeDefs, parse(federation.join('\n'))],
    resolvers,
    resolverValidationOptions: { requireResolversToMatchSchema: 'ignore' },
  });
}

function rootResolvers(
  fields: Record<string, unknown> | undefined,
  operation: OperationTypeNode,
  subschema: Subschema,
): Record<string, GraphQLFieldResolver<unknown, unknown>> {
  const resolvers: Record<string, GraphQLFieldResolver<unknown, unknown>> = {};
  for (const fieldName of Object.keys(fields ?? {})) {
    resolvers[fieldName] = function delegateRootField(_root, args, context, info) {
      return delegateToSchema({
        schema: subschema,
        operation,
        fieldName,
        args,
        context: context as Record<string, unknown> | undefined,
        info,
      });
    };
  }
  return resolvers;
}

/**
 * Runs the subgraph in process. The request's context goes through to the delegations, so
 * per-operation state keyed on it is shared by the calls of one client operation.
 */
/** The root value of one call: its headers and its signal, for the service's own requests. */
function rootOf(request: SubgraphRequest): object {
  const root = rootWithHeaders(request);
  setRootSignal(root, clientSignal(request));
  return root;
}

export function createServiceExecutor(schema: GraphQLSchema): SubgraphExecutor {
  return async function executeServiceSubgraph(request) {
    const result = await execute({
      schema,
      document: request.document,
      variableValues: request.variables,
      operationName: request.operationName,
      // The call's headers (header rules) and signal ride on the root value; delegations pass it on.
      rootValue: rootOf(request),
      contextValue: request.context ?? {},
      fieldResolver: mergedFieldResolver,
    });
    return asRemoteResult(result as ExecutionResult);
  };
}
