/**
 * `gatehouse cache purge`: asks a running gateway's admin endpoint to drop the cached answers a
 * selector names (`--type Product --key 42`, `--type Product`, `--operation TopProducts`). The
 * endpoint's URL is `--url`, else the config's (`server.host`, `admin.port` or else `server.port`,
 * `admin.path`; a wildcard host is reached on 127.0.0.1); the token is `$GATEHOUSE_ADMIN_TOKEN`, else the
 * config's `admin.token`. A key starting with `{` is read as JSON: a compound key's fields.
 */
import { type ErrorCode, ErrorCodes, GatehouseError } from '../../core/errors.ts';
import type { PurgeSelector } from '../cache/index.ts';
import { loadConfig } from '../config/index.ts';
import { readSecret } from '../config/secret.ts';

export interface PurgeCommand {
  type?: string;
  key?: string;
  operation?: string;
  /** The admin endpoint (`http://127.0.0.1:4000/admin`). @default from the config */
  url?: string;
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** Longest wait for the gateway's answer. */
const TIMEOUT_MS = 10_000;

/** What the gateway answered a purge. */
export interface PurgeOutcome {
  purged: number;
  store?: string;
  /** `this replica` with the memory store: other replicas keep their answers. */
  scope?: string;
}

/** Sends the purge; answers what the gateway did, or throws what it said (with its code). */
export async function runCachePurge(command: PurgeCommand): Promise<PurgeOutcome> {
  const env = command.env ?? process.env;
  const selector: PurgeSelector = {
    ...(command.type !== undefined && { type: command.type }),
    ...(command.key !== undefined && { key: keyOf(command.key) }),
    ...(command.operation !== undefined && { operation: command.operation }),
  };
  if (Object.keys(selector).length === 0)
    throw new GatehouseError('BAD_USER_INPUT', 'cache purge: name what to purge', [
      '--type Product --key 42, --type Product, or --operation TopProducts',
    ]);
  let url = command.url;
  let token = env.GATEHOUSE_ADMIN_TOKEN || undefined;
  if (url !== undefined && token === undefined && command.configFile === undefined)
    throw new GatehouseError('CONFIG_INVALID', 'cache purge: no admin token', [
      'set GATEHOUSE_ADMIN_TOKEN, or pass --config <file> whose admin.token is the token',
    ]);
  if (url === undefined || token === undefined) {
    const config = await loadConfig(command.configFile, env);
    const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host;
    if (url === undefined && config.admin.port === 0)
      throw new GatehouseError(
        'CONFIG_INVALID',
        'cache purge: admin.port is 0 (a free port picked at start)',
        ['pass --url with the admin URL the gateway logged at startup (`admin endpoint at ...`)'],
      );
    const port = config.admin.port ?? config.server.port;
    url ??= `http://${host.includes(':') ? `[${host}]` : host}:${port}${config.admin.path}`;
    token ??= config.admin.token === undefined ? undefined : readSecret(config.admin.token, env);
  }
  if (token === undefined)
    throw new GatehouseError('CONFIG_INVALID', 'cache purge: no admin token', [
      'set GATEHOUSE_ADMIN_TOKEN, or `admin.token` in the config',
    ]);
  const endpoint = `${url.replace(/\/+$/, '')}/cache/purge`;
  if (endpoint.startsWith('http://') && !isLoopback(new URL(endpoint).hostname))
    process.stderr.write(`gatehouse: warning: the admin token goes to ${endpoint} unencrypted; use https\n`);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(selector),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `cache purge: ${endpoint} could not be reached (is the gateway running there, with admin.enabled?)`,
      [String((error as Error).cause ?? error)],
    );
  }
  const text = await response.text();
  let body: PurgeOutcome & { errors?: { message?: string; extensions?: { code?: string } }[] } = {
    purged: Number.NaN,
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: said below with the status
  }
  if (response.ok && typeof body.purged === 'number') return body;
  const error = body.errors?.[0];
  const message = error?.message ?? (text.slice(0, 200) || response.statusText);
  const code = error?.extensions?.code;
  throw new GatehouseError(
    typeof code === 'string' && Object.hasOwn(ErrorCodes, code) ? (code as ErrorCode) : 'BAD_REQUEST',
    `cache purge: ${endpoint} answered ${response.status}${code ? ` ${code}` : ''}: ${message}`,
  );
}

function keyOf(key: string): string | Record<string, unknown> {
  if (!key.trimStart().startsWith('{')) return key;
  try {
    const parsed: unknown = JSON.parse(key);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new GatehouseError(
    'BAD_USER_INPUT',
    `--key ${key}: a compound key is a JSON object, e.g. '{"upc":"1","sku":"a"}'`,
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}
