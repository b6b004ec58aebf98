/**
 * The estimated cost of the operation a request runs (set at the operation stage by the
 * demand-control room, read by later rooms: rate limits spend a tenant's budget in cost units).
 * The room records how to compute it; the first read computes it, later reads take that number,
 * so nothing is computed for a request no room asks about. This file is a leaf: it imports
 * nothing of ours, so every room may depend on it.
 */

import type { FieldNode, GraphQLSchema } from 'graphql';

/**
 * The items a list field of an operation is estimated to return, as demand control counts them
 * (`@listSize`, slicing arguments, `demandControl.defaultListSize`): for rooms that count per
 * list item (field rate limits with `countListItems`). `parent` names the type it is selected on.
 */
export type ListSizeEstimate = (
  schema: GraphQLSchema,
  parent: string,
  field: FieldNode,
  variables: Readonly<Record<string, unknown>>,
) => number;

type Entry = number | (() => number);
const costs = new WeakMap<Request, Entry>();

/**
 * Records the cost of the operation `request` runs, or how to compute it (the demand-control
 * room, once per operation, before planning).
 */
export function setOperationCost(request: Request, cost: number | (() => number)): void {
  costs.set(request, cost);
}

/**
 * The estimated cost of the operation `request` runs (demand control's units: `@cost` weights,
 * lists counted by their size); undefined before the operation stage reached demand control, or
 * for a request that runs no operation. A room that reads it must sit after `demand-control` in
 * the list of rooms.
 */
export function operationCostOf(request: Request | undefined): number | undefined {
  if (request === undefined) return undefined;
  const entry = costs.get(request);
  if (typeof entry !== 'function') return entry;
  const cost = entry();
  costs.set(request, cost);
  return cost;
}
