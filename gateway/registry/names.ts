/**
 * Subgraph names as the registry takes them: the config's rule (`SUBGRAPH_NAME`), checked
 * wherever a name comes from outside (an admin path, a CLI argument, a file in the store) before
 * it becomes part of a path or a key, so `../x` never reaches the file system.
 */
import { GatehouseError } from '../../core/errors.ts';
import { SUBGRAPH_NAME } from '../config/subgraphs-schema.ts';

/** Whether `name` is a valid subgraph name. */
export function isSubgraphName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 200 && SUBGRAPH_NAME.test(name);
}

/** Answers `name` when valid; throws BAD_USER_INPUT otherwise. */
export function subgraphName(name: unknown): string {
  if (isSubgraphName(name)) return name;
  throw new GatehouseError(
    'BAD_USER_INPUT',
    `${JSON.stringify(String(name).slice(0, 100))} is not a subgraph name: a letter, then letters, digits, "_" or "-"`,
  );
}
