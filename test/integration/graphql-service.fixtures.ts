/**
 * Real loopback backends for the GraphQL-service tests: `accounts`, a plain GraphQL service that
 * knows nothing of federation (non-standard root names, a custom scalar, an enum, an interface, a
 * union, input types, a deprecated field, errors), and `reviews`, a federation subgraph whose
 * reviews reference accounts' `User` and `Membership` as entities and add `User.reviews`.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';

export const ACCOUNTS_SDL = /* GraphQL */ `
  """An ISO-8601 date and time."""
  scalar DateTime

  enum Role {
    ADMIN
    MEMBER
  }

  directive @internal on FIELD_DEFINITION

  interface Node {
    id: ID!
  }

  """A person with an account."""
  type User implements Node {
    id: ID!
    name: String!
    "The login name."
    username: String! @deprecated(reason: "use name")
    role: Role!
    createdAt: DateTime!
    org: Org
    "Fails for user 2."
    secret: String
  }

  type Org implements Node {
    id: ID!
    name: String!
  }

  type Membership {
    userId: ID!
    orgId: ID!
    title: String!
  }

  input MembershipKey {
    userId: ID!
    orgId: ID!
  }

  union SearchResult = User | Org

  input UserFilter {
    role: Role
    nameContains: String
  }

  type PageInfo {
    hasNextPage: Boolean!
  }

  type UserConnection {
    nodes: [User!]!
    pageInfo: PageInfo!
  }

  type QueryRoot {
    user(id: ID!): User
    usersByIds(ids: [ID!]!): [User]!
    users(filter: UserFilter, first: Int = 10): UserConnection!
    node(id: ID!): Node
    search(term: String!): [SearchResult!]!
    membership(key: MembershipKey!): Membership
    userInOrg(id: ID!, orgId: ID!): User
    now: DateTime! @internal
  }

  type MutationRoot {
    rename(id: ID!, name: String!): User
  }

  type SubscriptionRoot {
    userAdded: User
  }

  schema {
    query: QueryRoot
    mutation: MutationRoot
    subscription: SubscriptionRoot
  }
`;

interface UserRow {
  id: string;
  name: string;
  role: 'ADMIN' | 'MEMBER';
  orgId: string;
}

const ORGS = [{ id: 'o1', name: 'Acme' }];
const MEMBERSHIPS = [{ userId: '1', orgId: 'o1', title: 'CEO' }];
const NOW = '2024-05-01T12:00:00.000Z';

export interface Accounts extends RunningServer {
  /** Arguments of each lookup call received, by field. */
  calls: { user: string[]; usersByIds: string[][]; membership: unknown[] };
}

export async function startAccounts(port?: number): Promise<Accounts> {
  const users: UserRow[] = [
    { id: '1', name: 'Ada', role: 'ADMIN', orgId: 'o1' },
    { id: '2', name: 'Brian', role: 'MEMBER', orgId: 'o1' },
    { id: '3', name: 'Chen', role: 'MEMBER', orgId: 'o1' },
  ];
  const calls: Accounts['calls'] = { user: [], usersByIds: [], membership: [] };
  const byId = (id: string) => users.find((u) => u.id === id) ?? null;
  const schema = makeExecutableSchema({
    typeDefs: ACCOUNTS_SDL,
    resolvers: {
      QueryRoot: {
        user: (_: unknown, { id }: { id: string }) => {
          calls.user.push(id);
          return byId(id);
        },
        usersByIds: (_: unknown, { ids }: { ids: string[] }) => {
          calls.usersByIds.push(ids);
          return ids.map(byId);
        },
        users: (_: unknown, args: { filter?: { role?: string; nameContains?: string }; first: number }) => {
          const nodes = users
            .filter((u) => args.filter?.role === undefined || u.role === args.filter.role)
            .filter(
              (u) => args.filter?.nameContains === undefined || u.name.includes(args.filter.nameContains),
            );
          return { nodes: nodes.slice(0, args.first), pageInfo: { hasNextPage: nodes.length > args.first } };
        },
        node: (_: unknown, { id }: { id: string }) => byId(id) ?? ORGS.find((o) => o.id === id) ?? null,
        search: (_: unknown, { term }: { term: string }) => [
          ...users.filter((u) => u.name.includes(term)),
          ...ORGS.filter((o) => o.name.includes(term)),
        ],
        membership: (_: unknown, { key }: { key: { userId: string; orgId: string } }) => {
          calls.membership.push(key);
          return MEMBERSHIPS.find((m) => m.userId === key.userId && m.orgId === key.orgId) ?? null;
        },
        userInOrg: (_: unknown, { id, orgId }: { id: string; orgId: string }) => {
          const user = byId(id);
          return user?.orgId === orgId ? user : null;
        },
        now: () => NOW,
      },
      MutationRoot: {
        rename: (_: unknown, { id, name }: { id: string; name: string }) => {
          const user = byId(id);
          if (user) user.name = name;
          return user;
        },
      },
      User: {
        username: (u: UserRow) => u.name.toLowerCase(),
        createdAt: () => NOW,
        org: (u: UserRow) => ORGS.find((o) => o.id === u.orgId) ?? null,
        secret: (u: UserRow) => {
          if (u.id === '2')
            throw new GraphQLError('secret of 2 is not readable', { extensions: { code: 'FORBIDDEN' } });
          return `secret-${u.id}`;
        },
      },
      Node: { __resolveType: (v: { role?: string }) => (v.role ? 'User' : 'Org') },
      SearchResult: { __resolveType: (v: { role?: string }) => (v.role ? 'User' : 'Org') },
    },
  });
  const server = await serveGraphQL({ schema, port });
  return Object.assign(server, { calls });
}

const REVIEWS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Review @key(fields: "id") {
    id: ID!
    body: String!
    author: User
    membership: Membership
  }

  type User @key(fields: "id") {
    id: ID!
    reviews: [Review!]!
  }

  type Membership @key(fields: "userId orgId") {
    userId: ID!
    orgId: ID!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
  }

  type ReviewConnection {
    nodes: [Review!]!
    pageInfo: PageInfo!
  }

  type Query {
    reviews: [Review!]!
    reviewPage: ReviewConnection!
  }
`;

/** Authors in order: 2, 1, 2, 3, 1; distinct keys 2, 1, 3. */
export const REVIEWS = [
  { id: 'r1', body: 'great', authorId: '2' },
  { id: 'r2', body: 'fine', authorId: '1' },
  { id: 'r3', body: 'meh', authorId: '2' },
  { id: 'r4', body: 'good', authorId: '3' },
  { id: 'r5', body: 'again', authorId: '1' },
];

export async function startReviews(): Promise<RunningServer> {
  type Row = (typeof REVIEWS)[number];
  const schema = buildSubgraphSchema({
    typeDefs: REVIEWS_SDL,
    resolvers: {
      Query: {
        reviews: () => REVIEWS,
        reviewPage: () => ({ nodes: REVIEWS.slice(0, 1), pageInfo: { hasNextPage: true } }),
      },
      Review: {
        author: (r: Row) => ({ __typename: 'User', id: r.authorId }),
        membership: (r: Row) =>
          r.authorId === '1' ? { __typename: 'Membership', userId: '1', orgId: 'o1' } : null,
      },
      User: {
        __resolveReference: (ref: Record<string, unknown>) => ({ id: ref.id }),
        reviews: (u: { id: string }) => REVIEWS.filter((r) => r.authorId === u.id),
      },
    },
  });
  return serveGraphQL({ schema });
}
