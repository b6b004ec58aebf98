/**
 * The admin endpoint (stage: request), off by default (`admin.enabled`): where the platform team
 * acts on a running gateway. Every request carries `Authorization: Bearer <admin.token>`, checked
 * in constant time; any other gets 401 before its body is read. Answers are JSON: the outcome, or
 * `{ errors: [{ message, extensions: { code } }] }` with the code's HTTP status.
 *
 *   POST <path>/cache/purge   { "type": "Product", "key": "42" } | { "type": "Product" }
 *                             | { "operation": "TopProducts" }
 *        →  { "purged": <entries dropped>, "store": "memory" | "redis", "scope": "this replica" | "all replicas" }
 *
 * With the memory cache store a purge reaches the replica that answers it; with Redis, all.
 * Every purge is logged (info), every refused request too (warn). Failed tokens are not throttled
 * here: the token is long and random (16 characters or more); keep the path off the public
 * network where you can (a reverse proxy rule).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { type ErrorCode, ErrorCodes, GatehouseError } from '../../core/errors.ts';
import type { PurgeSelector } from '../cache/index.ts';
import { type AdminConfig, MIN_TOKEN_LENGTH } from '../config/admin-schema.ts';
import { readSecret } from '../config/secret.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';

export interface AdminOptions {
  /** Where the endpoint answers (`/admin`). */
  path: string;
  /** The bearer token every request must carry. */
  token: string;
  /** Drops the kept answers a selector names (the cache room's `purge`). */
  purge(selector: PurgeSelector): Promise<number>;
  /** Where the cache keeps answers: a purge of the memory store reaches this replica only. */
  store: 'memory' | 'redis';
  /** Every purge (info) and refused request (warn) is logged. */
  logger: Pick<Logger, 'info' | 'warn'>;
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

/** Largest admin request body read, in bytes. */
const MAX_BODY = 16 * 1024;

export function useAdmin(options: AdminOptions): Plugin {
  const expected = digest(options.token);
  const prefix = `${options.path}/`;
  const routes: Record<string, { method: string; run(body: unknown): Promise<unknown> }> = {
    'cache/purge': {
      method: 'POST',
      run: async (body) => {
        const selector = selectorOf(body);
        const purged = await options.purge(selector);
        options.logger.info('admin: cache purged', { selector, purged, store: options.store });
        // With the memory store, other replicas keep their answers: said, so a script can tell.
        return {
          purged,
          store: options.store,
          scope: options.store === 'redis' ? 'all replicas' : 'this replica',
        };
      },
    },
  };

  const answer = (fetchAPI: { Response: typeof Response }, status: number, body: unknown, headers = {}) =>
    new fetchAPI.Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    });
  const failure = (fetchAPI: { Response: typeof Response }, code: ErrorCode, message: string, headers = {}) =>
    answer(fetchAPI, ErrorCodes[code].status, { errors: [{ message, extensions: { code } }] }, headers);

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
      const route = routes[url.pathname.slice(prefix.length)];
      if (route === undefined) {
        endResponse(
          failure(fetchAPI, 'NOT_FOUND', `no admin route ${url.pathname}; there is ${prefix}cache/purge`),
        );
        return;
      }
      if (request.method !== route.method) {
        endResponse(failure(fetchAPI, 'METHOD_NOT_ALLOWED', `use ${route.method}`, { allow: route.method }));
        return;
      }
      try {
        endResponse(answer(fetchAPI, 200, await route.run(await readJson(request))));
      } catch (error) {
        if (error instanceof GatehouseError) endResponse(failure(fetchAPI, error.code, error.message));
        else throw error;
      }
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether `header` is `Bearer <token>` for the expected token (compared by digest, in constant time). */
function authorized(header: string | null, expected: Buffer): boolean {
  const match = header === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1] ?? ''), expected);
}

async function readJson(request: Request): Promise<unknown> {
  const tooLarge = () =>
    new GatehouseError('REQUEST_ENTITY_TOO_LARGE', `an admin request is at most ${MAX_BODY} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY) throw tooLarge();
  // Read up to the bound, whatever the length said (or when it said nothing).
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body !== null) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_BODY) throw tooLarge();
      chunks.push(chunk);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new GatehouseError('BAD_REQUEST', 'the body must be a JSON object');
  }
}

function selectorOf(body: unknown): PurgeSelector {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatehouseError(
      'BAD_REQUEST',
      'the body must be a JSON object: { "type": "Product", "key": "42" }',
    );
  const unknown = Object.keys(body).filter((name) => !['type', 'key', 'operation'].includes(name));
  if (unknown.length > 0)
    throw new GatehouseError(
      'BAD_USER_INPUT',
      `purge: unknown field(s) ${unknown.join(', ')}; use type, key, operation`,
    );
  return body as PurgeSelector;
}
