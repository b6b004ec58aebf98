/**
 * The admin endpoint (stage: request), off by default (`admin.enabled`): where the platform team
 * acts on a running gateway, and backend teams publish to the registry. Every request carries
 * `Authorization: Bearer <admin.token>` (checked in constant time) or, with `admin.scope`, a JWT
 * verified by `auth.jwt` that holds that scope (`guard.ts`); any other is refused (401, or 403
 * for a valid JWT without the scope) before its body is read. Answers are JSON: the outcome, or
 * `{ errors: [{ message, extensions: { code } }] }` with the code's HTTP status. The routes, by
 * group: `cache-routes.ts` (`POST <path>/cache/purge`) and, with the registry on,
 * `registry-routes.ts` (subgraphs, versions, check, publish, rollback); with usage on,
 * `usage-routes.ts` (the most used operations, the operations using a coordinate).
 *
 * Served at `admin.path` of the gateway, or with `admin.port` on a listener of its own
 * (`port.ts`) and not on the gateway's port at all.
 *
 * Every action is logged (info), every refused request too (warn). Failed tokens are not throttled
 * here: the token is long and random (16 characters or more); keep the endpoint off the public
 * network (`admin.port`, or a reverse proxy rule).
 */
import type { RequestListener } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { GatehouseError } from '../../core/errors.ts';
import type { BearerVerifier } from '../auth/index.ts';
import { type AdminConfig, MIN_TOKEN_LENGTH } from '../config/admin-schema.ts';
import { readSecret } from '../config/secret.ts';
import type { Logger } from '../logger/index.ts';
import type { RegistryGraph } from '../registry/graph.ts';
import type { Room } from '../room.ts';
import type { SupergraphStatus } from '../supergraph/index.ts';
import type { UsageSummaryReader } from '../usage/index.ts';
import { type CacheRoutesOptions, cacheRoutes } from './cache-routes.ts';
import { createGuard } from './guard.ts';
import { answer, type FetchApi, failure, readJson } from './http.ts';
import { type AdminFetch, type AdminListening, httpOrigin, listenAdmin, portHandler } from './port.ts';

export { type AdminListening, httpOrigin, listenAdmin } from './port.ts';

import { registryRoutes } from './registry-routes.ts';
import { AdminRefusal, type AdminRoute, findRoute } from './routes.ts';
import { usageRoutes } from './usage-routes.ts';

export interface AdminOptions extends CacheRoutesOptions {
  /** Where the endpoint answers (`/admin`). */
  path: string;
  /** The bearer token admin requests may carry. @default none (then `scope` is needed) */
  token?: string;
  /** A bearer JWT holding this scope is admitted too (needs `verifyBearer`). @default none */
  scope?: string;
  /** The auth room's JWT verifier (`auth.jwt`), for `scope`. @default none */
  verifyBearer?: BearerVerifier;
  /** Every action (info) and refused request (warn) is logged; a request that throws (error). */
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** With the registry on: its routes. @default none */
  registry?: { graph: RegistryGraph; status(): SupergraphStatus };
  /** With usage on: its routes. @default none */
  usage?: UsageSummaryReader;
}

/** What `createAdmin` needs beside the config. */
export interface AdminContext extends Omit<AdminOptions, 'path' | 'token' | 'scope'> {
  /** Where `{ env: NAME }` tokens are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where `admin.port` listens (`server.host`). */
  host: string;
}

/** The admin endpoint of one gateway. */
export interface Admin {
  /** Request stage: the endpoint at `admin.path` (without `admin.port`); closes the port's listener. */
  room: Room;
  /** With `admin.port`: what its listener runs (the admin endpoint, 404 elsewhere). @default undefined */
  portHandler?: RequestListener;
  /** Starts the listener of `admin.port`, when set (`gateway.listen()`); resolves with the endpoint's URL. */
  listen(): Promise<string | undefined>;
}

/**
 * The token of `admin.token`, read at startup; undefined when unset with `admin.scope`;
 * CONFIG_INVALID when it is unset without a scope, or short.
 */
export function adminToken(config: AdminConfig, env: NodeJS.ProcessEnv): string | undefined {
  const token = config.token === undefined ? undefined : readSecret(config.token, env);
  const where =
    typeof config.token === 'object' ? `the environment variable ${config.token.env}` : 'admin.token';
  if (token === undefined && config.token === undefined && config.scope !== undefined) return undefined;
  if (token === undefined)
    throw new GatehouseError('CONFIG_INVALID', `admin.enabled is true, but ${where} is not set`, [
      'set it to a random secret of 16 characters or more (e.g. `openssl rand -hex 32`), set `admin.scope` to accept JWTs instead, or turn the admin endpoint off',
    ]);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new GatehouseError(
      'CONFIG_INVALID',
      `${where} is ${token.length} characters: use ${MIN_TOKEN_LENGTH} or more`,
    );
  return token;
}

/** The admin endpoint, when `admin.enabled`; else undefined. */
export function createAdmin(config: AdminConfig, context: AdminContext): Admin | undefined {
  if (!config.enabled) return undefined;
  const { env, host, ...rest } = context;
  if (config.scope !== undefined && rest.verifyBearer === undefined)
    throw new GatehouseError('CONFIG_INVALID', 'admin.scope is set, but no `auth.jwt` verifies JWTs', [
      'configure `auth.jwt` (issuer, audience, jwks), or remove `admin.scope` and use `admin.token`',
    ]);
  const handle = adminHandler({
    ...rest,
    path: config.path,
    token: adminToken(config, env ?? process.env),
    scope: config.scope,
  });
  const port = config.port;
  if (port === undefined)
    return {
      room: { name: 'admin', plugin: pluginOf(handle), requestPaths: [config.path] },
      listen: async () => undefined,
    };
  let listening: AdminListening | undefined;
  const handler = portHandler(config.path, handle, rest.logger);
  return {
    room: { name: 'admin', close: () => listening?.close() },
    portHandler: handler,
    async listen() {
      listening ??= await listenAdmin(host, port, () => handler);
      const url = `${httpOrigin(host, listening.port)}${config.path}`;
      rest.logger.info(`admin endpoint at ${url}`);
      return url;
    },
  };
}

/** The admin endpoint as a Yoga plugin at `options.path` (request stage). */
export function useAdmin(options: AdminOptions): Plugin {
  return pluginOf(adminHandler(options));
}

function pluginOf(handle: AdminFetch): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const response = await handle(request, url, fetchAPI);
      if (response !== undefined) endResponse(response);
    },
  };
}

/** Answers the requests at `options.path` and under it; undefined for any other. */
export function adminHandler(options: AdminOptions): AdminFetch {
  if (options.token === undefined && options.scope === undefined)
    throw new GatehouseError('CONFIG_INVALID', 'the admin endpoint needs a token or a scope');
  const guard = createGuard(options);
  const prefix = `${options.path}/`;
  const routes: AdminRoute[] = [
    ...cacheRoutes(options),
    ...(options.registry
      ? registryRoutes({ ...options.registry, usage: options.usage, logger: options.logger })
      : []),
    ...(options.usage ? usageRoutes(options.usage) : []),
  ];

  return async function handleAdmin(request, url, fetchAPI: FetchApi) {
    if (url.pathname !== options.path && !url.pathname.startsWith(prefix)) return undefined;
    const admitted = await guard(request.headers.get('authorization'));
    if ('code' in admitted) {
      options.logger.warn('admin: a request was refused', {
        method: request.method,
        path: url.pathname,
        code: admitted.code,
        reason: admitted.reason,
      });
      return failure(fetchAPI, admitted.code, admitted.message, admitted.headers);
    }
    let found: ReturnType<typeof findRoute>;
    try {
      found = findRoute(routes, request.method, url.pathname.slice(prefix.length));
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      return failure(fetchAPI, error.code, error.message);
    }
    if (found === undefined)
      return failure(
        fetchAPI,
        'NOT_FOUND',
        `no admin route ${url.pathname}; there are ${routes.map((r) => `${r.method} ${prefix}${r.template}`).join(', ')}`,
      );
    if ('allow' in found) {
      const allow = found.allow.join(', ');
      return failure(fetchAPI, 'METHOD_NOT_ALLOWED', `use ${allow}`, { allow });
    }
    try {
      const body = found.route.maxBody > 0 ? await readJson(request, found.route.maxBody) : undefined;
      const outcome = await found.route.run({
        body,
        params: found.params,
        query: url.searchParams,
        headers: request.headers,
        // Admitted by a JWT, its subject is the author, never a header the client chose.
        ...(admitted.by === 'jwt' && { subject: admitted.subject || 'jwt (no sub)' }),
      });
      return answer(fetchAPI, 200, outcome);
    } catch (error) {
      if (error instanceof AdminRefusal) return failure(fetchAPI, error.code, error.message, {}, error.more);
      if (error instanceof GatehouseError) return failure(fetchAPI, error.code, error.message);
      throw error;
    }
  };
}
