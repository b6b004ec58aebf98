/**
 * Operation limits (stage: operation; no request-stage hook, so the JSON fast path keeps them).
 * Every limit is a `limits.*` key, on by default, 0 for none; each refusal is
 * OPERATION_LIMIT_EXCEEDED (HTTP 400, `extensions.limit` names the key), before planning and
 * before any upstream call. Two hooks, cheapest first:
 *
 * - `onParams`: the variables' nesting and number of values, before graphql-js coerces them.
 * - `onParse` (the parse function, so only on a parse-cache miss): the text's tokens and
 *   bracket nesting with the lexer alone (text.ts), then `parse` with `maxTokens`, then the
 *   document's operations, directives, depth, aliases, root fields and fields with fragments
 *   expanded (document.ts, fields.ts): every operation of the document, before validation. A
 *   refusal is thrown like a syntax error, so the parse cache keeps it too.
 */
import { type DocumentNode, type ParseOptions, parse, type Source } from 'graphql';
import { _createLRUCache, type Plugin } from 'graphql-yoga';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import { documentRefusal } from './document.ts';
import { textRefusal } from './text.ts';
import { variablesRefusal } from './variables.ts';

/** The resolved `limits` config (0: that limit is off). */
export interface OperationLimits {
  /** Most fields once fragments are expanded. @default 2000 */
  maxFields: number;
  /** Most lexical tokens in a document. @default 4000 */
  maxTokens: number;
  /** Deepest field nesting, fragments expanded. @default 20 */
  maxDepth: number;
  /** Most aliases in an operation, fragments expanded. @default 30 */
  maxAliases: number;
  /** Most root fields in an operation. @default 30 */
  maxRootFields: number;
  /** Most fields with one response key in one selection set, fragments merged. @default 50 */
  maxDuplicateFields: number;
  /** Most directives on one node. @default 5 */
  maxDirectivesPerField: number;
  /** Most directives in a document. @default 50 */
  maxDirectives: number;
  /** Most operations in a document. @default 10 */
  maxOperations: number;
  /** Deepest nesting of lists and input objects in the variables. @default 16 */
  maxVariableDepth: number;
  /** Most values in the variables. @default 10000 */
  maxVariableValues: number;
}

/**
 * How deep the text may nest brackets for a given `maxDepth`: inline fragments and input object
 * arguments add brackets without adding fields, so twice the depth, plus room for arguments.
 */
export const textNesting = (maxDepth: number) => (maxDepth === 0 ? 0 : maxDepth * 2 + 10);

export function useOperationLimits(limits: OperationLimits): Plugin {
  const maxNesting = textNesting(limits.maxDepth);
  const limitedParse = (source: string | Source, options?: ParseOptions): DocumentNode => {
    const text = typeof source === 'string' ? source : source.body;
    const before = textRefusal(text, { maxTokens: limits.maxTokens, maxNesting, maxDepth: limits.maxDepth });
    if (before) throw before;
    const maxTokens = limits.maxTokens > 0 ? limits.maxTokens : undefined;
    const document = parse(source, { ...options, maxTokens });
    const after = documentRefusal(document, limits);
    if (after) throw after;
    return document;
  };
  return {
    onParams(hook) {
      if (isRequestEnded(hook.request)) return;
      const refused = variablesRefusal(hook.params.variables, limits);
      if (refused) endRequest(hook, { errors: [refused] });
    },
    onParse({ setParseFn }) {
      setParseFn(limitedParse);
    },
  };
}

/**
 * Yoga's parse caches (`parserAndValidationCache`), keyed on the document's text, keep no text
 * longer than `maxChars`: their 1024 entries then hold at most 1024 × `maxChars` each, where
 * bodies of `limits.maxRequestBodySize` would hold a gigabyte. A longer document is parsed each
 * time, which `maxTokens` keeps cheap.
 */
export function boundedParseCaches(maxChars: number) {
  const cache = <T>() => {
    const lru = _createLRUCache<T & {}>();
    return {
      get: (key: string) => (key.length > maxChars ? undefined : lru.get(key)),
      set: (key: string, value: T) => {
        if (key.length <= maxChars && value != null) lru.set(key, value as T & {});
      },
    };
  };
  return { documentCache: cache<DocumentNode>(), errorCache: cache<unknown>() };
}
