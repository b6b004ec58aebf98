/**
 * What the cache knows of each operation, worked out once per schema and document (and operation
 * name) and reused by every request for it: its policy (operation-policy.ts), the types it may
 * return (its `type:` tags) and whether it is a mutation (whose answer purges what it changed).
 * Each schema in service has an id (a hash of its supergraph SDL), part of every key, so that a new
 * schema starts afresh and replicas serving the same schema share the entries of a shared store.
 */
import { createHash } from 'node:crypto';
import { type DocumentNode, type ExecutionArgs, type GraphQLSchema, getOperationAST } from 'graphql';
import { type CachePolicy, NOT_CACHEABLE, operationPolicy } from './operation-policy.ts';
import type { CachePolicyIndex } from './policy-index.ts';
import { typeTags } from './tags.ts';

export interface OperationFacts {
  readonly policy: CachePolicy;
  /** `type:` tags of the types it may return (empty when it is not cacheable). */
  readonly types: readonly string[];
  readonly mutation: boolean;
}

export interface Operations {
  /** Indexes a schema's policies (when it is put in service), with its supergraph SDL. */
  add(schema: GraphQLSchema, index: CachePolicyIndex, supergraphSdl: string): void;
  /** The schema added last (the one in service) with its index; undefined before the first. */
  latest(): { schema: GraphQLSchema; index: CachePolicyIndex } | undefined;
  /** The schema's index, or undefined for a schema the cache never saw. */
  index(schema: GraphQLSchema): CachePolicyIndex | undefined;
  /** The id of a schema added (part of every key): a hash of its supergraph SDL. */
  schemaId(schema: GraphQLSchema): string;
  facts(args: ExecutionArgs): OperationFacts;
}

const NOTHING: OperationFacts = Object.freeze({ policy: NOT_CACHEABLE, types: [], mutation: false });

/**
 * `shapedBy`: what else makes the answers of one schema differ between deployments (the header
 * rules' config): part of every schema id, so that gateways configured differently never share
 * entries in one store.
 */
export function createOperations(defaultMaxAge: number, shapedBy = ''): Operations {
  const indexes = new WeakMap<GraphQLSchema, CachePolicyIndex>();
  const ids = new WeakMap<GraphQLSchema, string>();
  let latest: { schema: GraphQLSchema; index: CachePolicyIndex } | undefined;
  const known = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, OperationFacts>>>();

  const work = (args: ExecutionArgs, index: CachePolicyIndex): OperationFacts => {
    const name = args.operationName ?? undefined;
    const operation = getOperationAST(args.document, name);
    if (operation === null || operation === undefined) return NOTHING;
    if (operation.operation === 'mutation') return { policy: NOT_CACHEABLE, types: [], mutation: true };
    const policy = operationPolicy(args.schema, index, defaultMaxAge, args.document, name);
    const types = policy.maxAge > 0 ? typeTags(args.schema, args.document, name) : [];
    return { policy, types, mutation: false };
  };

  return {
    add(schema, index, supergraphSdl) {
      indexes.set(schema, index);
      latest = { schema, index };
      ids.set(
        schema,
        createHash('sha256').update(supergraphSdl).update('\0').update(shapedBy).digest('base64url'),
      );
    },
    latest: () => latest,
    index: (schema) => indexes.get(schema),
    schemaId: (schema) => ids.get(schema) ?? '',
    facts(args) {
      const index = indexes.get(args.schema);
      if (index === undefined) return NOTHING;
      let byDocument = known.get(args.schema);
      if (byDocument === undefined) {
        byDocument = new WeakMap();
        known.set(args.schema, byDocument);
      }
      let byName = byDocument.get(args.document);
      if (byName === undefined) {
        byName = new Map();
        byDocument.set(args.document, byName);
      }
      const name = args.operationName ?? '';
      let facts = byName.get(name);
      if (facts === undefined) {
        facts = work(args, index);
        byName.set(name, facts);
      }
      return facts;
    },
  };
}
