/**
 * Composition: federation subgraph SDLs in, one supergraph SDL out, by the standard composition
 * rules (`@theguild/federation-composition`). Errors are returned one per problem, each naming
 * the subgraphs and the type or field concerned, with the rule's code.
 */
import { composeServices } from '@theguild/federation-composition';
import type { DocumentNode } from 'graphql';
import { uncomposedGatewayDirectives } from './federation/gateway-directives.ts';

export interface ComposeInput {
  name: string;
  typeDefs: DocumentNode;
  url: string;
}

export interface CompositionProblem {
  /** The composition rule's code, e.g. `FIELD_TYPE_MISMATCH`. */
  code: string;
  message: string;
  /** Subgraphs the message names (empty when it names none). */
  subgraphs: string[];
  /** Types and fields the message names, as schema coordinates (`Product`, `Product.price`). */
  coordinates: string[];
}

export type ComposeResult =
  | { supergraphSdl: string; problems?: undefined }
  | { supergraphSdl?: undefined; problems: CompositionProblem[] };

export function composeSubgraphs(subgraphs: readonly ComposeInput[]): ComposeResult {
  const uncomposed = subgraphs.flatMap((s) =>
    uncomposedGatewayDirectives(s.typeDefs).map((message) => ({
      code: 'GATEWAY_DIRECTIVE_NOT_COMPOSED',
      message: `subgraph "${s.name}" ${message}`,
      subgraphs: [s.name],
      coordinates: [],
    })),
  );
  if (uncomposed.length > 0) return { problems: uncomposed };
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: s.url })));
  if (result.errors === undefined) return { supergraphSdl: result.supergraphSdl };
  const names = subgraphs.map((s) => s.name);
  return {
    problems: result.errors.map((error) => ({
      code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR',
      message: error.message,
      subgraphs: names.filter((name) =>
        new RegExp(`"${escapeRegExp(name)}"|\\b${escapeRegExp(name)}\\b`).test(error.message),
      ),
      coordinates: coordinatesIn(error.message, names),
    })),
  };
}

/** One line per problem: `[CODE] (subgraph-a, subgraph-b) message`. */
export function formatCompositionProblems(problems: readonly CompositionProblem[]): string[] {
  return problems.map(
    (p) => `[${p.code}]${p.subgraphs.length > 0 ? ` (${p.subgraphs.join(', ')})` : ''} ${p.message}`,
  );
}

/**
 * The quoted schema coordinates of a composition message: fields (`"Product.price"`) when it
 * names any, else types (`"Product"`); a bare name that is a subgraph's is not a type.
 */
function coordinatesIn(message: string, subgraphNames: readonly string[]): string[] {
  const quoted = [...message.matchAll(/"([_A-Za-z]\w*(?:\.[_A-Za-z]\w*(?:\(\w+:\))?)?)"/g)].map((m) => m[1]!);
  const fields = quoted.filter((name) => name.includes('.'));
  const found = fields.length > 0 ? fields : quoted.filter((name) => !subgraphNames.includes(name));
  return [...new Set(found)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
