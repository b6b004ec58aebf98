/**
 * One upstream call that several callers wait on (stage: subgraph, used by the dedup step).
 *
 * - Each caller gets its own answer: the first caller still waiting keeps the original, every
 *   other one gets a structural copy (data, errors, extensions), made before any caller resumes,
 *   so nobody sees another's changes in place. A failure is shared the same way: one copy of the
 *   error per caller.
 * - A caller whose signal aborts, or whose request's deadline comes, leaves at once with its own
 *   error; the call goes on for the others. When the last caller leaves, the call's own signal aborts it upstream.
 * - `done` runs once, when the call settles or when its last caller leaves, whichever is first:
 *   the dedup step then forgets it, so a later caller never joins a call that is settled or abandoned.
 */

import type { ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';
import { cloneJson } from '../../core/clone-json.ts';
import { copyError } from '../../core/errors.ts';
import { copyCacheControl } from '../../core/upstream-cache-control.ts';

export interface SharedCallOptions {
  /** Sends the call; `signal` aborts when every caller has gone. */
  send(signal: AbortSignal): Promise<ExecutionResult>;
  /** Runs once, when the call settles or is abandoned. */
  done(): void;
  /** The error a caller gets when its own signal aborts. */
  abortError(reason: unknown): unknown;
  /** The error a caller gets when its request's deadline comes first. */
  deadlineError(): unknown;
}

export interface SharedCall {
  /** When it was sent (`performance.now()`). */
  readonly startedAt: number;
  /**
   * Waits for the call's answer, or for `signal` to abort or `deadline` (epoch ms) to come (this
   * caller only: the call goes on for the others, and its own timeout is not any caller's
   * deadline, so a client asking for a short one never cuts a call it shares with others).
   */
  join(signal: AbortSignal | undefined, deadline?: number): Promise<ExecutionResult>;
}

interface Caller {
  resolve(result: ExecutionResult): void;
  reject(error: unknown): void;
}

export function startSharedCall(options: SharedCallOptions): SharedCall {
  const controller = new AbortController();
  const callers = new Set<Caller>();
  const startedAt = performance.now();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    options.done();
  };
  let upstream: Promise<ExecutionResult>;
  try {
    upstream = options.send(controller.signal);
  } catch (error) {
    upstream = Promise.reject(error);
  }
  upstream.then(
    (result) => {
      close();
      const waiting = [...callers];
      callers.clear();
      // Every copy is made before any caller resumes and may change the original.
      const answers = waiting.map((_, i) => (i === 0 ? result : copyResult(result)));
      for (const [i, caller] of waiting.entries()) caller.resolve(answers[i]!);
    },
    (error: unknown) => {
      close();
      const waiting = [...callers];
      callers.clear();
      const answers = waiting.map((_, i) => (i === 0 ? error : copyFailure(error)));
      for (const [i, caller] of waiting.entries()) caller.reject(answers[i]);
    },
  );
  return {
    startedAt,
    join(signal, deadline) {
      return new Promise<ExecutionResult>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const leaveWith = (error: unknown) => {
          if (!callers.delete(caller)) return;
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', leave);
          reject(error);
          if (callers.size === 0 && open) {
            close();
            controller.abort(signal?.reason);
          }
        };
        const leave = () => leaveWith(options.abortError(signal?.reason));
        // Already gone (the rest of a deferred plan after its client left): never a caller.
        if (signal?.aborted) {
          reject(options.abortError(signal.reason));
          if (callers.size === 0 && open) {
            close();
            controller.abort(signal.reason);
          }
          return;
        }
        const caller: Caller = {
          resolve(result) {
            if (timer !== undefined) clearTimeout(timer);
            signal?.removeEventListener('abort', leave);
            resolve(result);
          },
          reject(error) {
            if (timer !== undefined) clearTimeout(timer);
            signal?.removeEventListener('abort', leave);
            reject(error);
          },
        };
        callers.add(caller);
        signal?.addEventListener('abort', leave, { once: true });
        if (deadline !== undefined) {
          timer = setTimeout(() => leaveWith(options.deadlineError()), Math.max(0, deadline - Date.now()));
        }
      });
    },
  };
}

/** A copy of `result` that shares no object with it. */
export function copyResult(result: ExecutionResult): ExecutionResult {
  const copy: ExecutionResult = { ...result, data: cloneJson(result.data) };
  if (result.errors) copy.errors = result.errors.map((e) => copyError(e));
  if (result.extensions) copy.extensions = cloneJson(result.extensions);
  // What the subgraph said of its answer (`Cache-Control`) goes with every copy.
  copyCacheControl(result, copy);
  return copy;
}

function copyFailure(error: unknown): unknown {
  return error instanceof GraphQLError ? copyError(error) : error;
}
