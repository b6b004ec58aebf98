/**
 * How many items a list field is estimated to return, as demand control counts it: the largest
 * slicing argument sent (a literal or a variable, else the argument's default), else
 * `@listSize(assumedSize:)`, else `defaultListSize`; a size its parent's `@listSize(sizedFields:)`
 * gives it comes first. The cost walk (calculate.ts) and the estimates other rooms ask for (a
 * field limit counted per list item) share it.
 */
import type { FieldNode, ValueNode } from 'graphql';
import type { FieldCost } from './build-index.ts';

/** The largest GraphQL `Int`. */
const MAX_INT = 2_147_483_647;

/**
 * The items `node` (a selection of `field`) is estimated to return; 1 for a field that is not a
 * list. `read` gives an argument's value (with the variables).
 */
export function listItems(
  field: FieldCost,
  node: FieldNode,
  read: (value: ValueNode) => unknown,
  defaultListSize: number,
  fromParent?: number,
): number {
  if (!field.list) return 1;
  if (field.listSize === undefined) return fromParent ?? defaultListSize;
  return fromParent ?? slicingSize(field, node, read) ?? field.listSize.assumedSize ?? defaultListSize;
}

/** The largest slicing argument given (or defaulted); undefined when none is a number. */
export function slicingSize(
  field: FieldCost,
  node: FieldNode,
  read: (value: ValueNode) => unknown,
): number | undefined {
  let size: number | undefined;
  for (const name of field.listSize?.slicingArguments ?? []) {
    const argument = node.arguments?.find((a) => a.name.value === name);
    let value = argument === undefined ? undefined : read(argument.value);
    value ??= field.slicingDefaults?.get(name);
    // A GraphQL Int is at most 2^31 - 1: a larger number (1e200 in the raw variables, which
    // are checked later) counts as that, so products stay finite.
    if (typeof value === 'number' && Number.isFinite(value))
      size = Math.max(size ?? 0, Math.min(value, MAX_INT), 0);
  }
  return size;
}
