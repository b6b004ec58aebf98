/**
 * A two-subgraph graph for fault tests: `healthy` (a real federation subgraph owning `hello` and
 * `Product.name`) next to `broken`, whose SDL is written to a file (`schemaFile`) so that it
 * composes whatever its server does, and which owns `broken` and `Product.price`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

export const HEALTHY_SDL = /* GraphQL */ `${LINK}
  type Query { hello: String products: [Product] whoami: String }
  type Mutation { bump: Int }
  type Product @key(fields: "id") { id: ID! name: String }
`;

export const BROKEN_SDL = /* GraphQL */ `${LINK}
  type Query { broken: String }
  type Product @key(fields: "id") { id: ID! price: Int }
`;

export const PRODUCTS = [
  { id: '1', name: 'chair' },
  { id: '2', name: 'table' },
];

export interface HealthySubgraph extends RunningServer {
  /** How many times `bump` ran. */
  bumps(): number;
  /** Headers of the last request. */
  lastHeaders(): Record<string, string | string[] | undefined>;
}

/** Serves the healthy subgraph; `whoami` answers the `x-api-key` header it got. */
export async function startHealthySubgraph(): Promise<HealthySubgraph> {
  let bumps = 0;
  let headers: Record<string, string | string[] | undefined> = {};
  const schema = buildSubgraphSchema<{ apiKey?: string }>({
    typeDefs: HEALTHY_SDL,
    resolvers: {
      Query: {
        hello: () => 'world',
        products: () => PRODUCTS,
        whoami: (_parent: never, _args: never, context: { apiKey?: string }) => context.apiKey ?? null,
      },
      Mutation: { bump: () => ++bumps },
      Product: { __resolveReference: (ref) => PRODUCTS.find((p) => p.id === ref.id) ?? null },
    },
  });
  const server = await serveGraphQL({
    schema,
    context: (request) => {
      headers = request.headers;
      const key = request.headers['x-api-key'];
      return { apiKey: typeof key === 'string' ? key : undefined };
    },
  });
  return Object.assign(server, { bumps: () => bumps, lastHeaders: () => headers });
}

/** Writes the broken subgraph's SDL to a temporary folder; `remove()` deletes it. */
export async function writeBrokenSdl(): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-faults-'));
  const file = join(dir, 'broken.graphql');
  await writeFile(file, BROKEN_SDL);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Fails when a response body shows a stack trace, a source path or an internal error object. */
export function assertNothingInternal(body: unknown): void {
  const text = JSON.stringify(body);
  for (const leak of ['    at ', '.ts:', '.js:', 'node_modules', 'stacktrace', 'originalError']) {
    if (text.includes(leak))
      throw new Error(`response body shows internals (${JSON.stringify(leak)}): ${text}`);
  }
}

/** Polls `check` every 20 ms until it is true; fails after `attempts` tries (10 s by default). */
export async function waitFor(check: () => boolean, what: string, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
