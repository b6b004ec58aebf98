/**
 * Header-pinned routing: with `loadBalancing.pinHeader`, a client request whose header names a
 * target's `version` sends its calls to this subgraph to that target only. Two stages:
 *
 * - subgraph, before dedup (the room's `headers` hook): the client's header is copied onto the
 *   call's outgoing headers when it names a version of this subgraph (other values are dropped),
 *   so calls pinned differently are never shared, and the pin reaches in-process backends' HTTP
 *   calls (REST) with the call's other headers;
 * - HTTP (the interceptor): the target is read back from the request's headers.
 *
 * The header is sent on to the target, like any header of the call.
 */
import { requestOf } from '../../core/identity.ts';
import type { HeaderRule } from '../../core/outgoing-headers.ts';
import type { Target } from './target.ts';

/** The targets of one subgraph by `version`, and the header naming one. */
export interface Pinning {
  /** Lower case. */
  header: string;
  byVersion: ReadonlyMap<string, Target>;
}

/** The pinning of a subgraph whose config has `pinHeader`; undefined without. */
export function createPinning(header: string | undefined, targets: readonly Target[]): Pinning | undefined {
  if (header === undefined) return undefined;
  const byVersion = new Map<string, Target>();
  for (const target of targets) if (target.version !== undefined) byVersion.set(target.version, target);
  return { header, byVersion };
}

/** The `headers` hook's rule: the client's pin header, when it names a version of `pinning`. */
export function pinHeaderRule(pinning: Pinning): HeaderRule {
  return function pinHeader(call) {
    const value = requestOf(call.context)?.headers.get(pinning.header)?.trim();
    return value !== undefined && pinning.byVersion.has(value) ? { [pinning.header]: value } : undefined;
  };
}

/** The target a request's headers pin it to; undefined when they pin it to none. */
export function pinnedTarget(
  pinning: Pinning | undefined,
  headers: Readonly<Record<string, string>> | undefined,
): Target | undefined {
  if (pinning === undefined || headers === undefined) return undefined;
  const value = headers[pinning.header];
  return value === undefined ? undefined : pinning.byVersion.get(value.trim());
}
