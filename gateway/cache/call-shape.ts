/**
 * What a subgraph call is, for the entity cache: read once per call document (plans are cached, so
 * a document object comes back with every request of its operation).
 *
 * - `entities`: a query whose root fields are all `_entities(representations: $variable)` (one,
 *   or several under aliases: a batch); each field's selection has a hash, part of the key of
 *   every entity it fetches, and per entity type its policy (`entityPolicy`) and tags, worked out
 *   on first use per schema.
 * - `root`: a query without `_entities`: its root fields, cached as a whole (`cache.entities.rootFields`).
 * - `other`: anything else (mutations, mixed calls), never cached.
 */
import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  print,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { type CachePolicy, entityPolicy, operationPolicy } from './operation-policy.ts';
import type { CachePolicyIndex } from './policy-index.ts';
import { selectionTypeTags } from './tags.ts';

export interface EntityField {
  /** Its response key (`_entities`, or a batch alias). */
  responseKey: string;
  /** The variable holding its representations. */
  variable: string;
  selectionSet: SelectionSetNode;
  /** A hash of its selection (and the fragments it spreads): entities fetched with it share it. */
  selectionHash: string;
}

export type CallShape =
  | { kind: 'entities'; document: DocumentNode; fields: readonly EntityField[] }
  | { kind: 'root'; document: DocumentNode; operation: OperationDefinitionNode; hash: string }
  | { kind: 'other' };

const shapes = new WeakMap<DocumentNode, CallShape>();

export function callShape(document: DocumentNode, operationName: string | undefined): CallShape {
  let shape = shapes.get(document);
  if (shape === undefined) {
    shape = readShape(document, operationName);
    shapes.set(document, shape);
  }
  return shape;
}

function readShape(document: DocumentNode, operationName: string | undefined): CallShape {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined || operation.operation !== 'query')
    return { kind: 'other' };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const roots = operation.selectionSet.selections;
  if (roots.some((s) => s.kind !== Kind.FIELD)) return { kind: 'other' };
  const entityRoots = roots.filter((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (entityRoots.length === 0) {
    const hash = createHash('sha256').update(print(document)).digest('base64url');
    return { kind: 'root', document, operation, hash };
  }
  if (entityRoots.length !== roots.length) return { kind: 'other' };
  const fields: EntityField[] = [];
  for (const root of roots) {
    if (root.kind !== Kind.FIELD || root.selectionSet === undefined) return { kind: 'other' };
    const argument = root.arguments?.find((a) => a.name.value === 'representations');
    if (root.arguments?.length !== 1 || argument?.value.kind !== Kind.VARIABLE) return { kind: 'other' };
    const used = [...spreadNames(root.selectionSet, fragments, new Set())]
      .sort()
      .map((name) => print(fragments.get(name)!));
    fields.push({
      responseKey: root.alias?.value ?? root.name.value,
      variable: argument.value.name.value,
      selectionSet: root.selectionSet,
      selectionHash: createHash('sha256')
        .update(print(root.selectionSet))
        .update('\0')
        .update(used.join('\n'))
        .digest('base64url'),
    });
  }
  return { kind: 'entities', document, fields };
}

function spreadNames(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  names: Set<string>,
): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      if (fragment === undefined || names.has(selection.name.value)) continue;
      names.add(selection.name.value);
      spreadNames(fragment.selectionSet, fragments, names);
    } else if (selection.selectionSet !== undefined) spreadNames(selection.selectionSet, fragments, names);
  }
  return names;
}

const policies = new WeakMap<GraphQLSchema, WeakMap<object, Map<string, unknown>>>();

/** What the cache knows of the entities of one type fetched by one `_entities` field. */
export interface EntityFacts {
  policy: CachePolicy;
  type: GraphQLObjectType;
  /** The field's selection that applies to the type. */
  selectionSet: SelectionSetNode;
  /** `type:` tags of the type and every type its selection may return. */
  types: readonly string[];
}

/** The facts of entities of `typeName` fetched by `field` (once per schema, field and type). */
export function entityFieldFacts(
  schema: GraphQLSchema,
  index: CachePolicyIndex,
  defaultMaxAge: number,
  shape: Extract<CallShape, { kind: 'entities' }>,
  field: EntityField,
  typeName: string,
): EntityFacts | undefined {
  const byType = memo(schema, field) as Map<string, EntityFacts | undefined>;
  if (byType.has(typeName)) return byType.get(typeName);
  const type = schema.getType(typeName);
  let facts: EntityFacts | undefined;
  if (isObjectType(type)) {
    const selectionSet: SelectionSetNode = {
      kind: Kind.SELECTION_SET,
      selections: field.selectionSet.selections.filter((s) => applies(schema, s, shape.document, typeName)),
    };
    facts = {
      policy: entityPolicy(schema, index, defaultMaxAge, typeName, selectionSet, shape.document),
      type,
      selectionSet,
      types: selectionTypeTags(schema, shape.document, type, selectionSet, true),
    };
  }
  byType.set(typeName, facts);
  return facts;
}

/** The policy of a root call (strict: a field the schema in service does not know is not cached). */
export function rootCallPolicy(
  schema: GraphQLSchema,
  index: CachePolicyIndex,
  defaultMaxAge: number,
  shape: Extract<CallShape, { kind: 'root' }>,
): CachePolicy {
  const byKey = memo(schema, shape) as Map<string, CachePolicy>;
  let policy = byKey.get('');
  if (policy === undefined) {
    policy = operationPolicy(schema, index, defaultMaxAge, shape.document, shape.operation.name?.value, {
      strict: true,
    });
    byKey.set('', policy);
  }
  return policy;
}

function memo(schema: GraphQLSchema, owner: object): Map<string, unknown> {
  let bySchema = policies.get(schema);
  if (bySchema === undefined) {
    bySchema = new WeakMap();
    policies.set(schema, bySchema);
  }
  let map = bySchema.get(owner);
  if (map === undefined) {
    map = new Map();
    bySchema.set(owner, map);
  }
  return map;
}

/** Whether a selection of an `_entities` field applies to entities of `typeName`. */
function applies(
  schema: GraphQLSchema,
  selection: SelectionNode,
  document: DocumentNode,
  typeName: string,
): boolean {
  if (selection.kind === Kind.FIELD) return true;
  let condition: string | undefined;
  if (selection.kind === Kind.INLINE_FRAGMENT) condition = selection.typeCondition?.name.value;
  else {
    const fragment = document.definitions.find(
      (d): d is FragmentDefinitionNode =>
        d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
    );
    condition = fragment?.typeCondition.name.value;
  }
  if (condition === undefined || condition === typeName) return true;
  const conditionType = schema.getType(condition);
  const type = schema.getType(typeName);
  return (
    conditionType !== undefined &&
    isAbstractType(conditionType) &&
    isObjectType(type) &&
    schema.isSubType(conditionType, type)
  );
}
