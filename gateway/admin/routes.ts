/** The admin endpoint's route table: each route group in a file of its own. */
import { type ErrorCode, GatehouseError } from '../../core/errors.ts';

/** A refusal whose answer carries more than the error (a check report). */
export class AdminRefusal extends GatehouseError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Fields added to the answer beside `errors`. */
    readonly more: Record<string, unknown>,
  ) {
    super(code, message);
  }
}

/** One admin route: `<admin.path>/<pattern>`, one method. */
export interface AdminRoute {
  method: 'GET' | 'POST';
  /** Matched against the path after `<admin.path>/`; its groups are the route's parameters. */
  pattern: RegExp;
  /** The pattern as people read it, for messages: `subgraphs/<name>/versions`. */
  template: string;
  /** Largest body read, in bytes. */
  maxBody: number;
  /** Answers the JSON body of a 200, or throws a GatehouseError (its code's status), or answers a Response. */
  run(request: AdminRequest): Promise<unknown>;
}

export interface AdminRequest {
  /** The JSON body (undefined when empty). */
  body: unknown;
  /** The pattern's groups. */
  params: string[];
  query: URLSearchParams;
  headers: Headers;
  /** With a JWT (`admin.scope`): its `sub`, who acts. @default undefined (the admin token) */
  subject?: string;
}

/** A path parameter, %-decoded; BAD_USER_INPUT for a malformed escape (`%E0`). */
function decodeParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    throw new GatehouseError('BAD_USER_INPUT', `the path holds a malformed %-escape: ${param.slice(0, 100)}`);
  }
}

/**
 * The route and parameters for `path` (after the prefix), or the methods it has under others.
 * Throws BAD_USER_INPUT for a parameter that cannot be decoded. A decoded parameter may hold
 * any character (`/`, `..`): each route checks its own.
 */
export function findRoute(
  routes: readonly AdminRoute[],
  method: string,
  path: string,
): { route: AdminRoute; params: string[] } | { allow: string[] } | undefined {
  const allow: string[] = [];
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (route.method === method) return { route, params: match.slice(1).map(decodeParam) };
    allow.push(route.method);
  }
  return allow.length > 0 ? { allow } : undefined;
}
