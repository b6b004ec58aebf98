/**
 * The same configuration as `gatehouse.config.yaml`, in TypeScript: `defineConfig` checks it as
 * you type. Start the demo backends with `npx tsx subgraphs/demo/index.ts`, then
 * `node bin/gatehouse-dev.mjs --config examples/gatehouse.config.ts`.
 */
import { defineConfig } from '../gateway/config/index.ts';

export default defineConfig({
  server: {
    host: '127.0.0.1',
    port: 4000,
    exampleQuery: `query BooksWithReviews {
  listBooks {
    title
    author { name }
    reviews { rating body author { name } }
  }
}
`,
  },
  subgraphs: [
    {
      // REST, imported from OpenAPI 3 (a path relative to this file).
      name: 'catalogue',
      kind: 'rest',
      url: 'http://127.0.0.1:4101',
      openapi: '../subgraphs/demo/catalogue/openapi.yaml',
      entities: [
        { type: 'Book', key: 'id', operation: 'getBook', batchOperation: 'listBooks', batchParameter: 'ids' },
      ],
    },
    {
      // A plain GraphQL service, joined through a batched lookup field.
      name: 'accounts',
      kind: 'graphql',
      url: 'http://127.0.0.1:4102/graphql',
      lookups: [{ type: 'User', key: 'id', field: 'usersByIds', argument: 'ids', batch: true }],
    },
    {
      // An Apollo Federation subgraph.
      name: 'reviews',
      kind: 'federation',
      url: 'http://127.0.0.1:4103/graphql',
      required: true,
      timeout: 5_000, // 5 s
    },
  ],
});
