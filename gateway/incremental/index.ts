/**
 * Incremental delivery (stage: operation). The public schema declares `@defer`; this room
 * validates its uses (rules.ts) and runs an operation with its `@defer`s dropped (the whole
 * result in one response, as `@defer(if: false)` gives) when the client accepts no stream
 * (neither `multipart/mixed` nor `text/event-stream` in `Accept`: instead of Yoga's bare 406) or
 * when the operation runs on the stitching engine, whose `@defer` loses data on value types and
 * doubles error paths. The plan engine delivers the rest incrementally (`engine/defer/`).
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { acceptsStream } from './accept.ts';
import { DeferInSubscriptionRule, DeferLabelRule, DeferOnRootFieldRule } from './rules.ts';

export interface IncrementalDeliveryOptions {
  /** Whether operations on `schema` may be delivered incrementally (they run on the plan engine). */
  streams(schema: GraphQLSchema): boolean;
}

export function useIncrementalDelivery(options: IncrementalDeliveryOptions): Plugin {
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
      addValidationRule(DeferInSubscriptionRule);
    },
    // After validation (every client gets the same verdict on the text it sent), before the
    // engine's hook (which runs the document it is given). A variable only `@defer(if:)` used
    // stays declared: execution does not mind an unused one.
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      if (acceptsStream(request?.headers.get('accept')) && options.streams(args.schema)) return;
      const document = flatten(args.document);
      // Envelop hands these arguments to the next hooks and to execute: the one way to change
      // the document an operation runs.
      if (document !== null) (args as { document: DocumentNode }).document = document;
    },
  };
}
