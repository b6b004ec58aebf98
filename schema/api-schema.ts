/**
 * The schema clients see, straight from a supergraph SDL, without building an executable schema:
 * federation's own types and directives, `@inaccessible` elements and `join__` machinery removed
 * by the composition library's transform, then built with graphql-js. For comparing two
 * supergraphs (`gatehouse check`), where no operation runs; the schema in service is built by
 * `supergraph.ts` instead (same public surface, plus `@defer`).
 */
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, type GraphQLSchema, parse } from 'graphql';

/** The client-facing (API) schema of a supergraph SDL. Throws when the SDL does not parse or build. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const document = transformSupergraphToPublicSchema(parse(supergraphSdl, { noLocation: true }));
  return buildASTSchema(document, { assumeValidSDL: true });
}
