/**
 * Real loopback backends of every kind that record the headers of each request they get, for the
 * header-rules tests: `reviews` (federation) references `Product`, which `catalog` (REST, looked
 * up by key) serves; `accounts` is a plain GraphQL service. One query reaches all three:
 * `{ me { name } reviews { id product { name } } product(id: "p1") { id } }` (a REST
 * entity lookup and a `@rest` field). A test room sets the caller's identity from
 * the `x-test-identity` header (JSON), as the auth room will.
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { type Identity, setIdentity } from '../../core/identity.ts';
import type { Room } from '../../gateway/room.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';

export const QUERY = '{ me { name } reviews { id product { name } } product(id: "p1") { id } }';

const REVIEWS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { reviews: [Review!]! }
  type Review { id: ID! product: Product }
  type Product @key(fields: "id") { id: ID! }
`;

const CATALOG_SDL = /* GraphQL */ `
  type Query { product(id: ID!): Product @rest(path: "/products/{args.id}") }
  type Product @key(fields: "id") @restLookup(path: "/products/{key.id}") { id: ID! name: String! }
`;

const ACCOUNTS_SDL = /* GraphQL */ `
  type Query { me: Account }
  type Account { id: ID! name: String }
`;

export interface Backends {
  reviews: RunningServer;
  accounts: RunningServer;
  catalog: RestServer;
  catalogSdl: string;
  /** The headers of each GraphQL request `reviews` and `accounts` got, in order. */
  seen: { reviews: IncomingHttpHeaders[]; accounts: IncomingHttpHeaders[] };
  /** The headers of the last request each backend got. */
  last(): { reviews: IncomingHttpHeaders; accounts: IncomingHttpHeaders; catalog: IncomingHttpHeaders };
  /** Every request any backend got since the last reset. */
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startBackends(): Promise<Backends> {
  const seen: Backends['seen'] = { reviews: [], accounts: [] };
  const record = (server: RunningServer, list: IncomingHttpHeaders[]) =>
    server.server.prependListener('request', (req) => {
      if (req.method === 'POST' && req.url?.startsWith('/graphql')) list.push(req.headers);
    });
  const reviews = await serveGraphQL({
    schema: buildSubgraphSchema({
      typeDefs: REVIEWS_SDL,
      resolvers: { Query: { reviews: () => [{ id: 'r1', product: { id: 'p1' } }] } },
    }),
  });
  record(reviews, seen.reviews);
  const accounts = await serveGraphQL({
    schema: makeExecutableSchema({
      typeDefs: ACCOUNTS_SDL,
      resolvers: { Query: { me: () => ({ id: 'a1', name: 'Ada' }) } },
    }),
  });
  record(accounts, seen.accounts);
  const catalog = await startRestServer((request) =>
    request.path === '/products/p1' ? { json: { id: 'p1', name: 'Chair' } } : { status: 404 },
  );
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-headers-'));
  const catalogSdl = join(dir, 'catalog.graphql');
  await writeFile(catalogSdl, CATALOG_SDL);
  const lastOf = <T>(list: T[]): T => {
    const value = list.at(-1);
    if (value === undefined) throw new Error('no request was recorded');
    return value;
  };
  return {
    reviews,
    accounts,
    catalog,
    catalogSdl,
    seen,
    last: () => ({
      reviews: lastOf(seen.reviews),
      accounts: lastOf(seen.accounts),
      catalog: lastOf(catalog.requests).headers,
    }),
    count: () => seen.reviews.length + seen.accounts.length + catalog.requests.length,
    reset() {
      seen.reviews.length = 0;
      seen.accounts.length = 0;
      catalog.reset();
    },
    async close() {
      await Promise.all([reviews.close(), accounts.close(), catalog.close()]);
    },
  };
}

/** The subgraphs of the config, one of each kind. */
export function subgraphsOf(backends: Backends) {
  return [
    { kind: 'federation' as const, name: 'reviews', url: backends.reviews.url },
    { kind: 'graphql' as const, name: 'accounts', url: backends.accounts.url },
    { kind: 'rest' as const, name: 'catalog', url: backends.catalog.url, schemaFile: backends.catalogSdl },
  ];
}

/** What `x-test-identity` holds: an identity with `scopes` as a list. */
export interface TestIdentity {
  subject?: string;
  tenant?: string;
  scopes?: string[];
  claims?: Record<string, unknown>;
}

/** Test-only stand-in for the auth room: the caller's identity from `x-test-identity` (JSON). */
export const testIdentity: Room = {
  name: 'test-identity',
  plugin: {
    onParams({ request }) {
      const sent = request.headers.get('x-test-identity');
      if (sent === null) return;
      const { subject, tenant, scopes = [], claims = {} } = JSON.parse(sent) as TestIdentity;
      const identity: Identity = {
        kind: 'jwt',
        subject,
        tenant,
        scopes: new Set(scopes),
        claims,
        plan: undefined,
        expiresAt: undefined,
      };
      setIdentity(request, Object.freeze(identity));
    },
  },
};

/** The `x-test-identity` header for `identity` (JSON; non-ASCII characters escaped). */
export function as(identity: TestIdentity): Record<string, string> {
  const json = JSON.stringify(identity).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return { 'x-test-identity': json };
}
