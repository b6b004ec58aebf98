/**
 * Incremental delivery (stage: operation). The public schema declares `@defer`; this room
 * validates its uses (rules.ts) and, for a client that accepts no stream (neither
 * `multipart/mixed` nor `text/event-stream` in `Accept`), runs the operation with its `@defer`s
 * dropped: the whole result in one JSON response, as `@defer(if: false)` would give, instead of
 * Yoga's bare 406. Both engines then answer streams themselves: the plan engine in `engine/defer/`,
 * the stitching engine in Yoga's executor.
 */
import { type DocumentNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DeferLabelRule, DeferOnRootFieldRule } from './rules.ts';

const STREAMS = /multipart\/mixed|text\/event-stream/i;

export function useIncrementalDelivery(): Plugin {
  const flattened = new WeakMap<DocumentNode, DocumentNode | null>();
  /** `document` without its `@defer`s; null when it has none (once per parsed document). */
  const flatten = (document: DocumentNode): DocumentNode | null => {
    let result = flattened.get(document);
    if (result === undefined) {
      let found = false;
      const without = visit(document, {
        Directive(node) {
          if (node.name.value !== 'defer') return undefined;
          found = true;
          return null;
        },
      });
      result = found ? without : null;
      flattened.set(document, result);
    }
    return result;
  };
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(DeferOnRootFieldRule);
      addValidationRule(DeferLabelRule);
    },
    // After validation (every client gets the same verdict on the text it sent), before the
    // engine's hook (which runs the document it is given). A variable only `@defer(if:)` used
    // stays declared: execution does not mind an unused one.
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      if (STREAMS.test(request?.headers.get('accept') ?? '')) return;
      const document = flatten(args.document);
      // Envelop hands these arguments to the next hooks and to execute: the one way to change
      // the document an operation runs.
      if (document !== null) (args as { document: DocumentNode }).document = document;
    },
  };
}
