/**
 * Type conditions on the tree's objects: whether an object's `__typename` satisfies a plan's
 * `... on X` (its own name, or a possible type of an abstract `X`). The answer per condition is
 * computed once per schema, then one `Set` lookup per object.
 */
import { type GraphQLSchema, isAbstractType } from 'graphql';

/** The schema's type questions the executor asks, answered from caches. */
export interface TypeOracle {
  /** True when an object of type `typename` satisfies `... on condition`. */
  satisfies(typename: unknown, condition: string): boolean;
  /** True when `typename` names an interface or union (never an object's concrete type). */
  isAbstract(typename: string): boolean;
}

const oracles = new WeakMap<GraphQLSchema, TypeOracle>();

/** The oracle of `schema`, made once per schema object. */
export function typeOracle(schema: GraphQLSchema): TypeOracle {
  let oracle = oracles.get(schema);
  if (oracle === undefined) {
    oracle = makeOracle(schema);
    oracles.set(schema, oracle);
  }
  return oracle;
}

function makeOracle(schema: GraphQLSchema): TypeOracle {
  const members = new Map<string, ReadonlySet<string>>();
  const membersOf = (condition: string): ReadonlySet<string> => {
    let set = members.get(condition);
    if (set === undefined) {
      const type = schema.getType(condition);
      const names = new Set([condition]);
      if (type !== undefined && isAbstractType(type)) {
        for (const possible of schema.getPossibleTypes(type)) names.add(possible.name);
      }
      set = names;
      members.set(condition, set);
    }
    return set;
  };
  return {
    satisfies(typename, condition) {
      if (typeof typename !== 'string') return false;
      return typename === condition || membersOf(condition).has(typename);
    },
    isAbstract(typename) {
      const type = schema.getType(typename);
      return type !== undefined && isAbstractType(type);
    },
  };
}
