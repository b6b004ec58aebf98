/**
 * The demo graph that `npm start` serves: a small bookshop with one backend of each kind, each a
 * real HTTP server on loopback.
 *
 * - catalogue (REST, described by `catalogue/openapi.yaml`): books and authors;
 * - accounts (a plain GraphQL service): the customers, joined through `usersByIds(ids:)`;
 * - reviews (an Apollo Federation v2 subgraph): extends `Book` with reviews whose author is a `User`.
 *
 * Run the three on their default ports (4101, 4102, 4103) with `npx tsx subgraphs/demo/index.ts`,
 * or each on its own with `npx tsx subgraphs/demo/<name>/server.ts [port]`.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import type { RunningServer } from '../lib/serve-graphql.ts';
import { ACCOUNTS_DEFAULT_PORT, startAccounts } from './accounts/server.ts';
import { CATALOGUE_DEFAULT_PORT, startCatalogue } from './catalogue/server.ts';
import { REVIEWS_DEFAULT_PORT, startReviews } from './reviews/server.ts';

/** The folder relative paths of the demo config (the OpenAPI document) are resolved against. */
export const DEMO_DIR = dirname(fileURLToPath(import.meta.url));

/** The query GraphiQL opens with: one request, three kinds of backend. */
export const DEMO_EXAMPLE_QUERY = `# One query, three kinds of backend:
#   books, authors  REST catalogue (OpenAPI)
#   reviews         Apollo Federation subgraph
#   reviewers       plain GraphQL accounts service
query BooksWithReviews {
  listBooks {
    title
    year
    author {
      name
    }
    averageRating
    reviews {
      rating
      body
      author {
        name
        memberSince
      }
    }
  }
}
`;

export interface DemoServers {
  catalogue: RunningServer;
  accounts: RunningServer;
  reviews: RunningServer;
}

export interface Demo {
  /** A gateway config pointing at the running backends. */
  config: GatehouseConfigInput;
  /** Resolve the config's relative paths against this folder. */
  baseDir: string;
  servers: DemoServers;
  close(): Promise<void>;
}

export interface StartDemoOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** Ports of the backends. @default { catalogue: 0, accounts: 0, reviews: 0 } (free ports) */
  ports?: Partial<Record<keyof DemoServers, number>>;
}

/** The gateway config for backends at these URLs (catalogue: the REST base URL). */
export function demoConfig(urls: Record<keyof DemoServers, string>): GatehouseConfigInput {
  return {
    server: { exampleQuery: DEMO_EXAMPLE_QUERY },
    subgraphs: [
      {
        name: 'catalogue',
        kind: 'rest',
        url: urls.catalogue,
        openapi: 'catalogue/openapi.yaml',
        entities: [
          {
            type: 'Book',
            key: 'id',
            operation: 'getBook',
            batchOperation: 'listBooks',
            batchParameter: 'ids',
          },
        ],
      },
      {
        name: 'accounts',
        kind: 'graphql',
        url: urls.accounts,
        lookups: [{ type: 'User', key: 'id', field: 'usersByIds', argument: 'ids', batch: true }],
      },
      { name: 'reviews', kind: 'federation', url: urls.reviews },
    ],
  };
}

/** Starts the three backends and returns the config of a gateway in front of them. */
export async function startDemo(options: StartDemoOptions = {}): Promise<Demo> {
  const { host, ports = {} } = options;
  const started = await Promise.allSettled([
    startCatalogue({ host, port: ports.catalogue ?? 0 }),
    startAccounts({ host, port: ports.accounts ?? 0 }),
    startReviews({ host, port: ports.reviews ?? 0 }),
  ]);
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const close = async () => void (await Promise.all(running.map((s) => s.close())));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  const [catalogue, accounts, reviews] = running as [RunningServer, RunningServer, RunningServer];
  return {
    config: demoConfig({ catalogue: catalogue.url, accounts: accounts.url, reviews: reviews.url }),
    baseDir: DEMO_DIR,
    servers: { catalogue, accounts, reviews },
    close,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startDemo({
    ports: {
      catalogue: CATALOGUE_DEFAULT_PORT,
      accounts: ACCOUNTS_DEFAULT_PORT,
      reviews: REVIEWS_DEFAULT_PORT,
    },
  });
  for (const [name, server] of Object.entries(demo.servers)) process.stdout.write(`${name}: ${server.url}\n`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
