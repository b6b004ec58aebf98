/** Test helpers: a gateway from a config object, in process or listening on loopback port 0. */
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { type Logger, silentLogger } from '../../gateway/logger/index.ts';
import type { Room } from '../../gateway/room.ts';

export interface TestGateway extends Gateway {
  /** POSTs a GraphQL operation through the whole pipeline (in process) and returns status and JSON body. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    headers: Headers;
    body: {
      data?: T | null;
      errors?: Array<{
        message: string;
        path?: Array<string | number>;
        extensions?: Record<string, unknown>;
      }>;
    };
  }>;
}

export async function startTestGateway(
  input: GatehouseConfigInput,
  options: { baseDir?: string; env?: NodeJS.ProcessEnv; rooms?: readonly Room[]; logger?: Logger } = {},
): Promise<TestGateway> {
  const config = resolveConfig(
    {
      ...input,
      server: { port: 0, ...input.server },
      loading: { retryInitialDelay: 50, retryMaxDelay: 200, ...input.loading },
    },
    { baseDir: options.baseDir, env: options.env ?? {} },
  );
  const gateway = createGateway({
    config,
    logger: options.logger ?? silentLogger,
    env: options.env ?? {},
    rooms: options.rooms,
  });
  try {
    await gateway.start();
  } catch (error) {
    // A startup error (CONFIG_INVALID): nothing may stay open behind it.
    await gateway.close();
    throw error;
  }
  return Object.assign(gateway, {
    async query(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await gateway.yoga.fetch(`http://gateway${config.server.graphqlPath}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
  }) as TestGateway;
}
