/**
 * Where a plain GraphQL service's schema comes from: introspection through the subgraph pipeline
 * (so timeouts, headers and error mapping apply), or the SDL of `schemaFile`, where Query fields
 * may carry `@lookup`. Either way the result is a `GraphQLSchema`. A failed introspection is a
 * SUBGRAPH_LOAD_FAILED (retried); a `schemaFile` that cannot be read, parsed or built is a
 * CONFIG_INVALID, which stops the gateway at startup: waiting would not fix it.
 */
import { readFile } from 'node:fs/promises';
import type { ExecutionResult } from '@graphql-tools/utils';
import {
  buildASTSchema,
  buildClientSchema,
  type DocumentNode,
  type GraphQLSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  Kind,
  OperationTypeNode,
  parse,
} from 'graphql';
import { GatehouseError, loadFailed } from '../../core/errors.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import { LOOKUP_DIRECTIVE_NAME, LOOKUP_DIRECTIVE_SDL } from '../directives/lookup.ts';

const INTROSPECTION_OPERATION = '__GatehouseIntrospection';
// The default introspection query (descriptions, deprecations of fields and enum values): the
// richer variants (argument deprecations, specifiedByURL) are not understood by every server.
const INTROSPECTION = parse(
  getIntrospectionQuery({ descriptions: true }).replace(
    'query IntrospectionQuery',
    `query ${INTROSPECTION_OPERATION}`,
  ),
);

/** Introspects the service. Rejects with SUBGRAPH_LOAD_FAILED when it cannot. */
export async function introspectService(name: string, executor: SubgraphExecutor): Promise<GraphQLSchema> {
  let result: ExecutionResult;
  try {
    result = await executor({
      document: INTROSPECTION,
      operationName: INTROSPECTION_OPERATION,
      operationType: OperationTypeNode.QUERY,
    });
  } catch (cause) {
    throw loadFailed(name, `cannot introspect GraphQL service ${name}: ${(cause as Error).message}`, cause);
  }
  const data = result.data as Partial<IntrospectionQuery> | null | undefined;
  if (data?.__schema === undefined || data.__schema === null) {
    const reason = result.errors?.[0]?.message ?? 'the answer has no __schema';
    throw loadFailed(name, `cannot introspect GraphQL service ${name}: ${reason}`, result.errors?.[0]);
  }
  try {
    return buildClientSchema(data as IntrospectionQuery);
  } catch (cause) {
    throw loadFailed(
      name,
      `the introspection of GraphQL service ${name} is not a valid schema: ${(cause as Error).message}`,
      cause,
    );
  }
}

/**
 * Reads and builds the SDL of `schemaFile`; `@lookup` is declared for it when the file does not.
 * Rejects with CONFIG_INVALID naming the file.
 */
export async function readServiceSchema(name: string, file: string): Promise<GraphQLSchema> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `cannot read the schemaFile of GraphQL service ${name} (${file}): ${(cause as Error).message}`,
      [],
      { cause },
    );
  }
  return buildServiceSchema(name, text, `schemaFile (${file})`);
}

/**
 * Builds an SDL (read from `schemaFile`, or given inline as `sdl`); `@lookup` is declared for it
 * when it does not. Throws CONFIG_INVALID naming `origin`.
 */
export function buildServiceSchema(name: string, sdl: string, origin: string): GraphQLSchema {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (cause) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `the ${origin} of GraphQL service ${name} does not parse: ${(cause as Error).message}`,
      [],
      { cause },
    );
  }
  const declaresLookup = document.definitions.some(
    (d) => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === LOOKUP_DIRECTIVE_NAME,
  );
  if (!declaresLookup) {
    document = {
      ...document,
      definitions: [...document.definitions, ...parse(LOOKUP_DIRECTIVE_SDL).definitions],
    };
  }
  try {
    return buildASTSchema(document);
  } catch (cause) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `the ${origin} of GraphQL service ${name} is not a valid schema: ${(cause as Error).message}`,
      [],
      { cause },
    );
  }
}
