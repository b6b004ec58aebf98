/**
 * The admin endpoint (stage: request), off by default (`admin.enabled`): where the platform team
 * acts on a running gateway, and backend teams publish to the registry. Every request carries
 * `Authorization: Bearer <admin.token>`, checked in constant time; any other gets 401 before its
 * body is read. Answers are JSON: the outcome, or `{ errors: [{ message, extensions: { code } }] }`
 * with the code's HTTP status. The routes, by group: `cache-routes.ts` (`POST <path>/cache/purge`)
 * and, with the registry on, `registry-routes.ts` (subgraphs, versions, check, publish, rollback);
 * with usage on, `usage-routes.ts` (the most used operations, the operations using a coordinate).
 *
 * Every action is logged (info), every refused request too (warn). Failed tokens are not throttled
 * here: the token is long and random (16 characters or more); keep the path off the public
 * network where you can (a reverse proxy rule).
 */
import type { Plugin } from 'graphql-yoga';
import { GatehouseError } from '../../core/errors.ts';
import type { UsageReader } from '../../core/usage.ts';
import { type AdminConfig, MIN_TOKEN_LENGTH } from '../config/admin-schema.ts';
import { readSecret } from '../config/secret.ts';
import type { Logger } from '../logger/index.ts';
import type { RegistryGraph } from '../registry/graph.ts';
import type { Room } from '../room.ts';
import type { SupergraphStatus } from '../supergraph/index.ts';
import type { UsageSummaryReader } from '../usage/index.ts';
import { type CacheRoutesOptions, cacheRoutes } from './cache-routes.ts';
import { answer, authorized, digest, failure, readJson } from './http.ts';
import { registryRoutes } from './registry-routes.ts';
import { AdminRefusal, type AdminRoute, findRoute } from './routes.ts';
import { usageRoutes } from './usage-routes.ts';

export interface AdminOptions extends CacheRoutesOptions {
  /** Where the endpoint answers (`/admin`). */
  path: string;
  /** The bearer token every request must carry. */
  token: string;
  /** Every action (info) and refused request (warn) is logged. */
  logger: Pick<Logger, 'info' | 'warn'>;
  /** With the registry on: its routes. @default none */
  registry?: { graph: RegistryGraph; status(): SupergraphStatus; usage?: UsageReader };
  /** With usage on: its routes. @default none */
  usage?: UsageSummaryReader;
}

/** The token of `admin.token`, read at startup; CONFIG_INVALID when it is unset or short. */
export function adminToken(config: AdminConfig, env: NodeJS.ProcessEnv): string {
  const token = config.token === undefined ? undefined : readSecret(config.token, env);
  const where =
    typeof config.token === 'object' ? `the environment variable ${config.token.env}` : 'admin.token';
  if (token === undefined)
    throw new GatehouseError('CONFIG_INVALID', `admin.enabled is true, but ${where} is not set`, [
      'set it to a random secret of 16 characters or more (e.g. `openssl rand -hex 32`), or turn the admin endpoint off',
    ]);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new GatehouseError(
      'CONFIG_INVALID',
      `${where} is ${token.length} characters: use ${MIN_TOKEN_LENGTH} or more`,
    );
  return token;
}

/** The admin room (request stage, before anything GraphQL), when `admin.enabled`; else none. */
export function adminRooms(
  config: AdminConfig,
  options: Omit<AdminOptions, 'path' | 'token'> & { env: NodeJS.ProcessEnv | undefined },
): Room[] {
  if (!config.enabled) return [];
  const { env, ...rest } = options;
  const plugin = useAdmin({ ...rest, path: config.path, token: adminToken(config, env ?? process.env) });
  return [{ name: 'admin', plugin, requestPaths: [config.path] }];
}

export function useAdmin(options: AdminOptions): Plugin {
  const expected = digest(options.token);
  const prefix = `${options.path}/`;
  const routes: AdminRoute[] = [
    ...cacheRoutes(options),
    ...(options.registry ? registryRoutes({ ...options.registry, logger: options.logger }) : []),
    ...(options.usage ? usageRoutes(options.usage) : []),
  ];

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.path && !url.pathname.startsWith(prefix)) return;
      if (!authorized(request.headers.get('authorization'), expected)) {
        options.logger.warn('admin: a request without the admin token was refused', {
          method: request.method,
          path: url.pathname,
        });
        endResponse(
          failure(
            fetchAPI,
            'UNAUTHENTICATED',
            request.headers.has('authorization')
              ? 'the admin token sent is not the admin token'
              : 'the admin endpoint needs `Authorization: Bearer <admin token>`',
            {
              'www-authenticate': 'Bearer realm="gatehouse-admin"',
            },
          ),
        );
        return;
      }
      let found: ReturnType<typeof findRoute>;
      try {
        found = findRoute(routes, request.method, url.pathname.slice(prefix.length));
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        endResponse(failure(fetchAPI, error.code, error.message));
        return;
      }
      if (found === undefined) {
        endResponse(
          failure(
            fetchAPI,
            'NOT_FOUND',
            `no admin route ${url.pathname}; there are ${routes.map((r) => `${r.method} ${prefix}${r.template}`).join(', ')}`,
          ),
        );
        return;
      }
      if ('allow' in found) {
        const allow = found.allow.join(', ');
        endResponse(failure(fetchAPI, 'METHOD_NOT_ALLOWED', `use ${allow}`, { allow }));
        return;
      }
      try {
        const body = found.route.maxBody > 0 ? await readJson(request, found.route.maxBody) : undefined;
        const outcome = await found.route.run({
          body,
          params: found.params,
          query: url.searchParams,
          headers: request.headers,
        });
        endResponse(answer(fetchAPI, 200, outcome));
      } catch (error) {
        if (error instanceof AdminRefusal)
          endResponse(failure(fetchAPI, error.code, error.message, {}, error.more));
        else if (error instanceof GatehouseError) endResponse(failure(fetchAPI, error.code, error.message));
        else throw error;
      }
    },
  };
}
