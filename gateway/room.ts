/**
 * A room: one concern of the gateway, which may hook several stages. The composition root
 * (`create-gateway.ts`) keeps one ordered list of rooms and derives each stage's list from it:
 * the Yoga plugins, the subgraph pipeline, the HTTP interceptors and the close hooks, each in the
 * list's order (first is outermost; close hooks run in reverse, the last opened closes first).
 *
 * Refusals at `onParams` (core/request-outcome.ts): Yoga runs every `onParams` hook whatever an
 * earlier one answered, and the last `setResult` wins. So a room whose `onParams` refuses a
 * request does it with `endRequest(request, setResult, result)`, never with `setResult` alone;
 * and every `onParams` hook begins with `if (isRequestEnded(request)) return;`, so the first
 * refusal (auth's 401 before all) is the answer and no later room acts on a refused request
 * (stores an APQ document, spends a rate limit).
 */
import type { Plugin } from 'graphql-yoga';
import type { HttpInterceptor } from '../core/http-client.ts';
import type { HeaderRule } from '../core/outgoing-headers.ts';
import type { ExecutorWrapper, SubgraphInfo } from '../core/subgraph-call.ts';

export interface Room {
  /** Names the room in logs and in the order comments. */
  name: string;
  /** Request, operation and response stages: an envelop/Yoga plugin. @default undefined */
  plugin?: Plugin;
  /**
   * The only paths the plugin's request-stage hooks (`onRequest`, `onRequestParse`,
   * `onResultProcess`, `onResponse`, and whatever `onPluginInit` adds or `instrumentation`
   * wraps) act on, when it has any: a room that says so (health
   * endpoints, GraphiQL's files) leaves the JSON fast path of the GraphQL endpoint on. A room
   * with such hooks that does not say so turns the fast path off, so its hooks always run.
   * Hooks of the operation stage (`onParams`, envelop's, `onExecutionResult`) always run.
   * @default undefined
   */
  requestPaths?: readonly string[];
  /**
   * The plugin's request-stage hooks let every request the JSON fast path takes (a `POST` of
   * `application/json` to the GraphQL endpoint) through untouched, acting only on the others
   * (CSRF prevention refuses other media types): the fast path stays on. @default false
   */
  passesJsonPosts?: boolean;
  /**
   * Subgraph stage: the step this room adds to the pipeline of one subgraph, built once per
   * subgraph put in service; it sees every call, with its kind (`callKind(request)`).
   * @default undefined
   */
  subgraph?(info: SubgraphInfo): ExecutorWrapper;
  /**
   * Subgraph stage, before dedup: the headers each call to this subgraph carries (forwarded from
   * the client's request, computed). They are part of the dedup key: calls with different headers
   * are never shared. @default undefined
   */
  headers?(info: SubgraphInfo): HeaderRule;
  /**
   * HTTP stage: around every call of the pooled client (any kind of backend); a call shared by
   * dedup passes once. It does not see who the callers are: per-caller headers belong in
   * `headers`. @default undefined
   */
  http?: HttpInterceptor;
  /** Called once when the gateway closes. @default undefined */
  close?(): void | Promise<void>;
}

// `onPluginInit` may add plugins with any of them, and `instrumentation` wraps the request: both
// count as hooking every request (it fails closed: the fast path is off).
const REQUEST_HOOKS = [
  'onRequest',
  'onRequestParse',
  'onResultProcess',
  'onResponse',
  'onPluginInit',
  'instrumentation',
] as const;

/** The rooms whose plugins hook requests to `path` (so the JSON fast path must not skip them). */
export function roomsHookingPath(rooms: readonly Room[], path: string): string[] {
  return rooms
    .filter(
      (room) =>
        room.plugin !== undefined &&
        room.passesJsonPosts !== true &&
        REQUEST_HOOKS.some((hook) => room.plugin![hook] !== undefined),
    )
    .filter(
      (room) =>
        room.requestPaths === undefined || room.requestPaths.some((p) => path.startsWith(p) || p === path),
    )
    .map((room) => room.name);
}

/** Each stage's list, in the rooms' order. */
export function stagesOf(rooms: readonly Room[]) {
  return {
    plugins: rooms.flatMap((room) => (room.plugin ? [room.plugin] : [])),
    interceptors: rooms.flatMap((room) => (room.http ? [room.http] : [])),
    wrappers: (info: SubgraphInfo) => rooms.flatMap((room) => (room.subgraph ? [room.subgraph(info)] : [])),
    headerRules: (info: SubgraphInfo) => rooms.flatMap((room) => (room.headers ? [room.headers(info)] : [])),
    /** Runs every close hook, last room first, even when one fails; then throws what failed. */
    async close() {
      const failures: unknown[] = [];
      for (const room of [...rooms].reverse()) {
        try {
          await room.close?.();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, 'several rooms failed to close');
    },
  };
}

/** A room that may be off, as a list of none or one. */
export function optional(room: Room | undefined): Room[] {
  return room === undefined ? [] : [room];
}
