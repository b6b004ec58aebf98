/**
 * The text of a document, checked before it is parsed: the lexer alone (no tree is built) counts
 * tokens and the nesting of brackets, and stops at the first limit passed. graphql-js parses by
 * recursive descent, so nesting is what would exhaust the stack, and tokens are what the tree
 * grows with; both are refused here in time bounded by the limits, whatever the text's length.
 */
import { type GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { limitExceeded } from './refuse.ts';

export interface TextLimits {
  /** Most tokens (0: none). */
  maxTokens: number;
  /** Deepest nesting of `{`, `[` and `(` (0: none). */
  maxNesting: number;
  /** The `limits.maxDepth` the nesting bound derives from, for the message. */
  maxDepth: number;
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** The limit `text` passes, or undefined (also when it does not lex: the parser says why). */
export function textRefusal(text: string, limits: TextLimits): GraphQLError | undefined {
  if (limits.maxTokens === 0 && limits.maxNesting === 0) return undefined;
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens && limits.maxTokens > 0) {
        return limitExceeded(
          'maxTokens',
          `the document has more than ${limits.maxTokens} tokens; the limit is ${limits.maxTokens}`,
        );
      }
      if (OPENING.has(token.kind)) {
        if (++nesting > limits.maxNesting && limits.maxNesting > 0) {
          return limitExceeded(
            'maxDepth',
            `the document nests brackets more than ${limits.maxNesting} deep (limits.maxDepth is ${limits.maxDepth})`,
          );
        }
      } else if (CLOSING.has(token.kind)) nesting--;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
