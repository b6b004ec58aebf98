/**
 * The registry commands' exit codes, for CI:
 *   0  done (check passed, published and in service, rolled back, listed)
 *   1  the check failed, the publish was refused, or a forced publish is not in service (or a
 *      rollback target or a subgraph to list does not exist)
 *   2  usage error: bad arguments, an entry that is not valid (a schema that does not parse), a
 *      refused token
 *   3  the gateway, the store, or the service to introspect could not be reached
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** A failure with its exit code (and, for a refused publish, the check report). */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly report?: unknown,
  ) {
    super(message);
  }
}
