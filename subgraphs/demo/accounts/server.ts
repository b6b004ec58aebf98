/**
 * Accounts: a plain GraphQL service (no federation: no `_service`, no `_entities`) with the
 * bookshop's customers. The gateway introspects it and joins `User` to the other subgraphs
 * through the `usersByIds(ids:)` lookup. Run on its own:
 * `npx tsx subgraphs/demo/accounts/server.ts [port]` (default 4102, path /graphql).
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { type RunningServer, serveGraphQL } from '../../lib/serve-graphql.ts';
import { runStandalone } from '../standalone.ts';

export const ACCOUNTS_DEFAULT_PORT = 4102;

interface User {
  id: string;
  name: string;
  email: string;
  /** Year the customer opened their account. */
  memberSince: number;
}

const USERS: readonly User[] = [
  { id: '1', name: 'Ada Okafor', email: 'ada@example.com', memberSince: 2016 },
  { id: '2', name: 'Bruno Ferreira', email: 'bruno@example.com', memberSince: 2019 },
  { id: '3', name: 'Chen Wei', email: 'chen@example.com', memberSince: 2021 },
  { id: '4', name: 'Dagny Lund', email: 'dagny@example.com', memberSince: 2023 },
];

const typeDefs = /* GraphQL */ `
  "A customer of the bookshop."
  type User {
    id: ID!
    name: String!
    email: String!
    "Year the customer opened their account."
    memberSince: Int!
  }

  type Query {
    "The signed-in customer (the demo has no sign-in: always the first one)."
    me: User
    user(id: ID!): User
    users: [User!]!
    "The users with these ids, in the same order; null for an unknown id."
    usersByIds(ids: [ID!]!): [User]!
  }
`;

/** The accounts schema, a plain executable GraphQL schema. */
export function accountsSchema(): GraphQLSchema {
  const byId = new Map(USERS.map((u) => [u.id, u]));
  return makeExecutableSchema({
    typeDefs,
    resolvers: {
      Query: {
        me: () => USERS[0],
        user: (_: unknown, args: { id: string }) => byId.get(args.id) ?? null,
        users: () => USERS,
        usersByIds: (_: unknown, args: { ids: string[] }) => args.ids.map((id) => byId.get(id) ?? null),
      },
    },
  });
}

/** Starts accounts on `host:port` (default 127.0.0.1, a free port); `url` is its GraphQL endpoint. */
export function startAccounts(options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  return serveGraphQL({ schema: accountsSchema(), host: options.host, port: options.port });
}

await runStandalone(import.meta.url, 'accounts', ACCOUNTS_DEFAULT_PORT, (port) => startAccounts({ port }));
