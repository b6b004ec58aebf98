/**
 * A real federation subgraph on loopback whose query fields wait at a gate the test opens, so that
 * calls overlap for as long as a test needs. It counts GraphQL requests, the requests whose client
 * went away before the answer, and keeps the `authorization` header of each request.
 */
import { GraphQLError } from 'graphql';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { hello: String failing: String item: Item }
  type Mutation { bump: Int }
  type Item { id: ID tags: [String] }
`;

export interface GatedSubgraph extends RunningServer {
  /** From now on, query fields wait until `open()`. */
  hold(): void;
  /** Lets every waiting field answer, and the next ones at once. */
  open(): void;
  /** Requests whose connection closed before they were answered. */
  aborted(): number;
  /** The `authorization` header of each request, in order. */
  authorizations(): (string | undefined)[];
  bumps(): number;
}

export async function startGatedSubgraph(): Promise<GatedSubgraph> {
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  let bumps = 0;
  /** Waits at the gate, then answers `value`. */
  const after = async <T>(value: () => T): Promise<T> => {
    await gate;
    return value();
  };
  const schema = buildSubgraphSchema({
    typeDefs: SDL,
    resolvers: {
      Query: {
        hello: () => after(() => 'world'),
        failing: () =>
          after(() => {
            throw new GraphQLError('not allowed', { extensions: { code: 'FORBIDDEN' } });
          }),
        item: () => after(() => ({ id: '1', tags: ['a', 'b'] })),
      },
      Mutation: { bump: () => after(() => ++bumps) },
    },
  });
  const server = await serveGraphQL({ schema });
  let aborted = 0;
  let authorizations: (string | undefined)[] = [];
  server.server.prependListener('request', (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) return;
    authorizations.push(req.headers.authorization);
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
  });
  const resetRequests = server.resetRequests;
  return Object.assign(server, {
    hold() {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    open() {
      release();
      gate = Promise.resolve();
    },
    aborted: () => aborted,
    authorizations: () => authorizations,
    bumps: () => bumps,
    resetRequests() {
      resetRequests();
      aborted = 0;
      authorizations = [];
    },
  });
}
