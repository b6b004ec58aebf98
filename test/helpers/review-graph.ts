/**
 * A small federation subgraph for the safety tests: users and their reviews (each review's author
 * has reviews: a query that doubles at each level), a mutation, and a count of the calls it got,
 * so a test can show a refused request never went upstream.
 */
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';

export interface ReviewGraph {
  server: RunningServer;
  url: string;
  /** GraphQL requests the subgraph got since the last `reset()` (the schema load counts too). */
  calls(): number;
  reset(): void;
  close(): Promise<void>;
}

const TYPE_DEFS = `${fed2('@key')}
type Query { me: User hello: String echo(text: String, filter: Filter): String mood(is: Mood): Mood }
enum Mood { HAPPY SAD }
type Mutation { like: Int }
input Filter { and: [Filter!] text: String }
type User @key(fields: "id") { id: ID! name: String reviews: [Review!]! }
type Review @key(fields: "id") { id: ID! author: User! }`;

export async function startReviewGraph(): Promise<ReviewGraph> {
  let likes = 0;
  const user = (id: string) => ({ id, name: `user ${id}` });
  const server = await serveGraphQL({
    schema: apolloSubgraph(TYPE_DEFS, {
      Query: {
        me: () => user('1'),
        hello: () => 'world',
        echo: (_: unknown, args: { text?: string }) => args.text ?? '',
        mood: (_: unknown, args: { is?: string }) => args.is ?? null,
      },
      Mutation: { like: () => ++likes },
      User: {
        // Two reviews per user, each by a user: the data doubles at each level.
        reviews: (parent: { id: string }) => [{ id: `${parent.id}a` }, { id: `${parent.id}b` }],
        __resolveReference: (ref: { id: string }) => user(ref.id),
      },
      Review: { author: (parent: { id: string }) => user(parent.id) },
    }),
  });
  return {
    server,
    url: server.url,
    calls: () => server.requests(),
    reset: () => server.resetRequests(),
    close: () => server.close(),
  };
}

/** `me { reviews { author { reviews { author ... } } } }`, `levels` times `reviews { author }`. */
export function doubling(levels: number): string {
  return `{ me { ${'reviews { author { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
}
