/**
 * Test helpers for hot reload: two federation subgraphs on loopback (`products`, `reviews`) and
 * two supergraph versions composed from them with the project's composition. Version B adds
 * `Product.price` (the products server always answers it); version A leaves it out. A query of
 * `QUERY` answers the same on both; `__type(name: "Product")` tells which version served it.
 */
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { parse } from 'graphql';
import { composeSubgraphs } from '../../schema/compose.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const productsSdl = (withPrice: boolean) => /* GraphQL */ `
  ${LINK}
  type Query { products: [Product!]! }
  type Product @key(fields: "id") { id: ID! name: String!${withPrice ? ' price: Int!' : ''} }
`;
const REVIEWS_SDL = /* GraphQL */ `
  ${LINK}
  type Product @key(fields: "id") { id: ID! reviews: [Review!]! }
  type Review { body: String! }
`;
const PRODUCTS = [
  { id: '1', name: 'Table', price: 100 },
  { id: '2', name: 'Chair', price: 40 },
];

/** Runs on both versions: products from one subgraph, their reviews from the other. */
export const QUERY =
  '{ products { id name reviews { body } } product: __type(name: "Product") { fields { name } } }';
/** What `QUERY` answers, on version A (no price) or B. */
export const expectedAnswer = (version: 'a' | 'b') => ({
  data: {
    products: PRODUCTS.map((p) => ({ id: p.id, name: p.name, reviews: [{ body: `review of ${p.name}` }] })),
    product: {
      fields: [
        { name: 'id' },
        { name: 'name' },
        ...(version === 'b' ? [{ name: 'price' }] : []),
        { name: 'reviews' },
      ],
    },
  },
});

export interface ReloadGraph {
  products: RunningServer;
  reviews: RunningServer;
  /** The two supergraph SDLs: A without `Product.price`, B with it. */
  versions: { a: string; b: string };
  close(): Promise<void>;
}

export async function startReloadGraph(): Promise<ReloadGraph> {
  const products = await serveGraphQL({
    schema: buildSubgraphSchema({
      typeDefs: productsSdl(true),
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: {
          __resolveReference: (ref: Record<string, unknown>) => PRODUCTS.find((p) => p.id === ref.id),
        },
      },
    }),
  });
  const reviews = await serveGraphQL({
    schema: buildSubgraphSchema({
      typeDefs: REVIEWS_SDL,
      resolvers: {
        Product: {
          __resolveReference: (ref: Record<string, unknown>) => ref,
          reviews: (product: { id: string }) => [
            { body: `review of ${PRODUCTS.find((p) => p.id === product.id)?.name}` },
          ],
        },
      },
    }),
  });
  const compose = (withPrice: boolean) => {
    const result = composeSubgraphs([
      { name: 'products', typeDefs: parse(productsSdl(withPrice)), url: products.url },
      { name: 'reviews', typeDefs: parse(REVIEWS_SDL), url: reviews.url },
    ]);
    if (result.problems) throw new Error(result.problems.map((p) => p.message).join('\n'));
    return result.supergraphSdl;
  };
  return {
    products,
    reviews,
    versions: { a: compose(false), b: compose(true) },
    async close() {
      await Promise.all([products.close(), reviews.close()]);
    },
  };
}

/** Writes `contents` to `file` in place (truncate, then write: a reader may see it half written). */
export async function rewriteInPlace(file: string, contents: string): Promise<void> {
  await writeFile(file, contents);
}

/** Replaces `file` by a rename (a new inode at the path), the way deploy tools and editors do. */
export async function replaceByRename(file: string, contents: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

/**
 * Writes `contents` to `file` in place in two chunks, cut at `cut`, with `pause` ms between them:
 * a writer that stalls mid-write. With a pause longer than the watch's debounce, the gateway may
 * read the first chunk alone (a prefix of a valid file), which it must not serve.
 */
export async function writeInTwoChunks(file: string, contents: string, cut: number, pause: number) {
  await writeFile(file, contents.slice(0, cut));
  await new Promise((resolve) => setTimeout(resolve, pause));
  await appendFile(file, contents.slice(cut));
}

/**
 * Where to cut a supergraph for a partial write: just before its `type Query` (the prefix, all
 * join definitions and no Query type, that once aborted the query planner) or halfway.
 */
export function partialCut(sdl: string, halfway: boolean): number {
  const query = sdl.indexOf('type Query');
  return halfway || query === -1 ? Math.floor(sdl.length / 2) : query;
}
