/**
 * Test helpers for field policies: a room that records the caller's identity from a test header
 * (standing in for the auth room), and a gateway over running subgraphs with policy config.
 */
import type { GraphQLSchema } from 'graphql';
import { type Identity, setIdentity } from '../../core/identity.ts';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import type { Logger } from '../../gateway/logger/index.ts';
import type { Room } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

export const IDENTITY_HEADER = 'x-test-identity';

export interface TestCaller {
  sub?: string;
  scopes?: string[];
  claims?: Record<string, unknown>;
}

/** Headers that make the test room record `caller` as the identity. */
export function as(caller: TestCaller): Record<string, string> {
  return { [IDENTITY_HEADER]: JSON.stringify(caller) };
}

/** Records the identity the test header describes; no header is anonymous. */
export const testIdentityRoom: Room = {
  name: 'test-identity',
  plugin: {
    onParams({ request }) {
      const header = request.headers.get(IDENTITY_HEADER);
      if (header === null) return;
      const caller = JSON.parse(header) as TestCaller;
      const identity: Identity = Object.freeze({
        kind: 'jwt',
        subject: caller.sub ?? 'user-1',
        scopes: new Set(caller.scopes ?? []),
        claims: Object.freeze({ ...caller.claims }),
        tenant: undefined,
        plan: undefined,
        expiresAt: undefined,
      });
      setIdentity(request, identity);
    },
  },
};

export interface PolicyCase {
  gateway: TestGateway;
  servers: Record<string, RunningServer>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Serves each federation subgraph on loopback and starts a gateway over them (and `more`
 * subgraphs of the config) with the test identity room (and `options.rooms` after it).
 */
export async function startPolicyCase(
  federation: Record<string, GraphQLSchema>,
  config: Omit<GatehouseConfigInput, 'subgraphs'> & { subgraphs?: GatehouseConfigInput['subgraphs'] },
  options: { logger?: Logger; rooms?: readonly Room[] } = {},
): Promise<PolicyCase> {
  const servers: Record<string, RunningServer> = {};
  const closeServers = () => Promise.all(Object.values(servers).map((s) => s.close()));
  try {
    for (const [name, schema] of Object.entries(federation)) servers[name] = await serveGraphQL({ schema });
    const gateway = await startTestGateway(
      {
        ...config,
        subgraphs: [
          ...Object.entries(servers).map(([name, server]) => ({
            name,
            kind: 'federation' as const,
            url: server.url,
          })),
          ...(config.subgraphs ?? []),
        ],
      },
      { rooms: [testIdentityRoom, ...(options.rooms ?? [])], logger: options.logger },
    );
    return {
      gateway,
      servers,
      async [Symbol.asyncDispose]() {
        await gateway.close();
        await closeServers();
      },
    };
  } catch (error) {
    await closeServers();
    throw error;
  }
}
