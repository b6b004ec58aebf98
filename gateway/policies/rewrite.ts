/**
 * The operation without the fields its caller may not see. Fragments are walked where they are
 * spread (a spread that loses nothing stays a spread); a field refused on some of the objects an
 * abstract selection may hold is kept, in inline fragments, for the others. What is taken out is
 * recorded on a tree of response paths (by response key, so aliases count) with the types it
 * applies to and the `@include`/`@skip` on its way: `patch.ts` answers each with null and an error
 * where the client would have seen it. A selection set left empty keeps a `__typename` under a
 * reserved alias (`patch.ts` removes it), as it also does where it must tell the objects' types
 * apart. A field taken out of a `@defer`red fragment records the deferred fragments it sits in
 * (those the rewrite keeps), so that it is answered in the payload that carries its fragment.
 * Where a field is taken out, the response keys selected there are recorded in the client's order,
 * so that the answer's keys keep it once `patch.ts` adds the removed ones back.
 *
 * The work and the document are linear in the client's document: a refused field's subselection
 * is walked once per (selection set, return type, path, conditions, deferred fragments around it),
 * not once per type that keeps it, and when several types keep it, it is written once, in a
 * fragment under a reserved name that each of them spreads (else a refused field returning the
 * abstract type again would multiply the document by the number of types at each level). Its
 * expanded size may still grow so: the room holds it to `limits.maxFields`. The removals inside a
 * walk are recorded once, with the deferred fragments of that walk: a walk is reused only under
 * the same ones, so each removal is answered in the payload that carries its fragment.
 */
import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { RefusalCode } from '../../core/field-gate.ts';
import { labelOf, prune, withConditions, withUsedFragments } from './ast.ts';
import type { Deferral, PathNode, Removal } from './paths.ts';
import { RESERVED_ALIAS_PREFIX } from './reserved-alias.ts';

/** The alias of the `__typename` the rewrite adds; never in a client's answer nor its operation. */
export const TYPENAME_KEY = `${RESERVED_ALIAS_PREFIX}_typename`;

export type { Deferral, KeyOrder, PathNode, Removal } from './paths.ts';

export interface Rewrite {
  document: DocumentNode;
  root: PathNode;
}

/** A field's verdict for one caller: allowed, or the error code of its refusal. */
export type FieldVerdict = 'allowed' | RefusalCode;

export type VerdictOf = (type: GraphQLObjectType, field: string) => FieldVerdict;

const typenameField: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_KEY },
  name: { kind: Kind.NAME, value: '__typename' },
};

/** The rewritten operation, or undefined when the caller may see every field it selects. */
export function rewriteOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  verdictOf: VerdictOf,
): Rewrite | undefined {
  const operation = getOperationAST(document, operationName);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const walker = new Walker(schema, fragments, verdictOf);
  const root = newNode([]);
  const result = walker.set(operation.selectionSet, rootType, [rootType], root, [], rootType);
  if (!result.changed) return undefined;
  const rewritten: OperationDefinitionNode = {
    ...operation,
    selectionSet: { kind: Kind.SELECTION_SET, selections: nonEmpty(result.selections) },
  };
  prune(root);
  const all = new Map([...fragments, ...walker.shared.map((f) => [f.name.value, f] as const)]);
  return { document: withUsedFragments(rewritten, all), root };
}

const newNode = (path: readonly string[]): PathNode => ({
  path,
  removals: [],
  children: new Map(),
  order: [],
});

class Walker {
  /** The fragments the rewrite adds: subselections several types keep. */
  readonly shared: FragmentDefinitionNode[] = [];
  private readonly walked = new Map<string, { selections: readonly SelectionNode[]; fragment?: string }>();
  private readonly ids = new WeakMap<object, number>();
  /** The names of each list of possible types (one list per selection set walked). */
  private readonly named = new WeakMap<readonly GraphQLObjectType[], ReadonlySet<string>>();
  private counted = 0;
  private names = 0;
  /** The removals made inside each `@defer`red fragment being walked, innermost last. */
  private readonly deferred: Removal[][] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly verdictOf: VerdictOf,
  ) {}

  set(
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    possible: readonly GraphQLObjectType[],
    node: PathNode,
    conditions: readonly (readonly DirectiveNode[])[],
    /** The type of the objects at this path (the field's, whatever fragments narrow it to). */
    pathType: GraphQLCompositeType,
  ): { selections: SelectionNode[]; changed: boolean } {
    const selections: SelectionNode[] = [];
    let changed = false;
    let needsTypename = false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const out = this.field(selection, parent, possible, node, conditions, isAbstractType(pathType));
        selections.push(...out.selections);
        changed ||= out.changed;
        needsTypename ||= out.needsTypename;
        continue;
      }
      const condition =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.typeCondition
          : this.fragments.get(selection.name.value)?.typeCondition;
      const fragmentSet =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : this.fragments.get(selection.name.value)?.selectionSet;
      // An unknown fragment fails validation before this stage.
      if (fragmentSet === undefined) continue;
      const type = condition ? this.schema.getType(condition.name.value) : parent;
      if (type === undefined || !isCompositeType(type)) continue;
      const within = new Set(this.possibleTypes(type));
      const narrowed = possible.filter((t) => within.has(t));
      const defer = selection.directives?.find((d) => d.name.value === 'defer');
      if (defer !== undefined) this.deferred.push([]);
      const inner = this.set(
        fragmentSet,
        type,
        narrowed,
        node,
        withConditions(conditions, selection.directives),
        pathType,
      );
      if (defer !== undefined) {
        const removed = this.deferred.pop()!;
        // A fragment left empty is dropped from the operation: its fields are answered with the
        // payload of the fragment around it.
        if (inner.selections.length > 0) {
          const deferral: Deferral = { directive: defer, path: node.path, label: labelOf(defer) };
          for (const removal of removed) removal.deferrals.unshift(deferral);
        }
        this.deferred.at(-1)?.push(...removed);
      }
      if (!inner.changed) {
        selections.push(selection);
        continue;
      }
      changed = true;
      if (inner.selections.length === 0) continue;
      selections.push({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: condition,
        directives: selection.directives,
        selectionSet: { kind: Kind.SELECTION_SET, selections: inner.selections },
      });
    }
    if (needsTypename) selections.push(typenameField);
    return { selections, changed };
  }

  private field(
    field: FieldNode,
    parent: GraphQLCompositeType,
    possible: readonly GraphQLObjectType[],
    node: PathNode,
    outer: readonly (readonly DirectiveNode[])[],
    /** The objects at this path may be of several types: removals name theirs. */
    abstract: boolean,
  ): { selections: SelectionNode[]; changed: boolean; needsTypename: boolean } {
    const name = field.name.value;
    const key = field.alias?.value ?? name;
    const conditions = withConditions(outer, field.directives);
    if (possible.length > 0)
      node.order.push({ key, types: abstract ? this.typeNames(possible) : undefined, conditions });
    const unchanged = { selections: [field], changed: false, needsTypename: false };
    // `__typename` and introspection are anyone's.
    if (name.startsWith('__')) return unchanged;
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (definition === undefined) return unchanged;
    const allowed: GraphQLObjectType[] = [];
    const denied = new Map<string, { code: Removal['code']; nonNull: boolean; types: Set<string> }>();
    const candidates = possible.filter((t) => t.getFields()[name] !== undefined);
    for (const type of candidates) {
      const verdict = this.verdictOf(type, name);
      if (verdict === 'allowed') {
        allowed.push(type);
        continue;
      }
      const nonNull = isNonNullType(type.getFields()[name]!.type);
      const group = `${verdict}:${nonNull}`;
      const entry = denied.get(group) ?? { code: verdict, nonNull, types: new Set<string>() };
      entry.types.add(type.name);
      denied.set(group, entry);
    }
    const child = () => {
      let entry = node.children.get(key);
      if (entry === undefined) {
        entry = { type: definition.type, node: newNode([...node.path, key]) };
        node.children.set(key, entry);
      }
      return entry.node;
    };
    if (denied.size === 0) {
      if (field.selectionSet === undefined) return unchanged;
      const inner = this.subselection(field, definition.type, child(), conditions);
      return inner === field ? unchanged : { selections: [inner], changed: true, needsTypename: false };
    }
    for (const entry of denied.values()) {
      const removal: Removal = {
        key,
        code: entry.code,
        types: abstract ? entry.types : undefined,
        owners: entry.types,
        nonNull: entry.nonNull,
        conditions,
        field,
        deferrals: [],
      };
      node.removals.push(removal);
      this.deferred.at(-1)?.push(removal);
    }
    // Kept for the objects that may see it, each under its own type.
    const selections: SelectionNode[] = allowed.map((type) => {
      const kept = this.kept(field, type.getFields()[name]!.type, child(), conditions, allowed.length > 1);
      return {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type.name } },
        selectionSet: { kind: Kind.SELECTION_SET, selections: [kept] },
      };
    });
    return { selections, changed: true, needsTypename: abstract };
  }

  /** `field` with its selection set walked on its type; the same node when nothing changed. */
  private subselection(
    field: FieldNode,
    type: GraphQLOutputType,
    node: PathNode,
    conditions: readonly (readonly DirectiveNode[])[],
  ): FieldNode {
    const named = getNamedType(type);
    if (!isCompositeType(named) || field.selectionSet === undefined) return field;
    const inner = this.set(field.selectionSet, named, this.possibleTypes(named), node, conditions, named);
    if (!inner.changed) return field;
    return { ...field, selectionSet: { kind: Kind.SELECTION_SET, selections: nonEmpty(inner.selections) } };
  }

  /**
   * A refused field kept for one of the types that may see it: its subselection walked once per
   * (selection set, return type, path, conditions, `@defer`red fragments around it), and spread
   * from a fragment when `shared`.
   */
  private kept(
    field: FieldNode,
    type: GraphQLOutputType,
    node: PathNode,
    conditions: readonly (readonly DirectiveNode[])[],
    shared: boolean,
  ): FieldNode {
    const named = getNamedType(type);
    if (!isCompositeType(named) || field.selectionSet === undefined) return field;
    // The innermost `@defer`red fragment being walked stands for all of them (each is pushed on
    // the ones around it): the removals of a walk are recorded once, with that walk's fragments, so
    // a walk reused under other ones would answer its fields in the wrong payload, or in none.
    const frame = this.deferred.at(-1);
    const deferred = frame === undefined ? '-' : this.id(frame);
    const key = `${this.id(field.selectionSet)}:${named.name}:${this.id(node)}:${this.id(conditions)}:${deferred}`;
    let walked = this.walked.get(key);
    if (walked === undefined) {
      const inner = this.set(field.selectionSet, named, this.possibleTypes(named), node, conditions, named);
      walked = { selections: inner.changed ? nonEmpty(inner.selections) : field.selectionSet.selections };
      this.walked.set(key, walked);
    }
    if (shared && walked.fragment === undefined) {
      walked.fragment = this.fragmentName();
      this.shared.push({
        kind: Kind.FRAGMENT_DEFINITION,
        name: { kind: Kind.NAME, value: walked.fragment },
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: named.name } },
        selectionSet: { kind: Kind.SELECTION_SET, selections: walked.selections },
      });
    }
    const selections: readonly SelectionNode[] = shared
      ? [{ kind: Kind.FRAGMENT_SPREAD, name: { kind: Kind.NAME, value: walked.fragment! } }]
      : walked.selections;
    return { ...field, selectionSet: { kind: Kind.SELECTION_SET, selections } };
  }

  private typeNames(types: readonly GraphQLObjectType[]): ReadonlySet<string> {
    let names = this.named.get(types);
    if (names === undefined) {
      names = new Set(types.map((t) => t.name));
      this.named.set(types, names);
    }
    return names;
  }

  /** A reserved fragment name the client's document does not use. */
  private fragmentName(): string {
    while (this.fragments.has(`${RESERVED_ALIAS_PREFIX}_${this.names}`)) this.names++;
    return `${RESERVED_ALIAS_PREFIX}_${this.names++}`;
  }

  /** A number for an AST node or a path node, for the walks' keys. */
  private id(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) {
      id = this.counted++;
      this.ids.set(object, id);
    }
    return id;
  }

  private possibleTypes(type: GraphQLCompositeType): readonly GraphQLObjectType[] {
    return isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
  }
}

/** A selection set must select something: `__typename` under the reserved alias. */
function nonEmpty(selections: SelectionNode[]): SelectionNode[] {
  return selections.length > 0 ? selections : [typenameField];
}
