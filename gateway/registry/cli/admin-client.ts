/** Calls to a gateway's admin API for the registry commands; failures are `CliFailure`s with their exit code. */
import { CliFailure, EXIT } from './exit.ts';

/** A refused publish, as the CLI says it. */
export const NOT_PUBLISHED = 'not published: the check failed (--force publishes anyway)';

/** Longest wait for the gateway's answer (a publish waits for the new schema to be served). */
const TIMEOUT_MS = 30_000;

/** Sends one admin request; answers its JSON, or throws a CliFailure (a refused publish: exit 1 with the report). */
export async function adminRequest(
  target: { url: string; token: string; author: string },
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const endpoint = `${target.url.replace(/\/+$/, '')}/${path}`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        'x-gatehouse-author': target.author,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliFailure(
      EXIT.unreachable,
      `${endpoint} could not be reached (is the gateway running there, with admin.enabled and registry.enabled?): ${String((error as Error).cause ?? error)}`,
    );
  }
  const text = await response.text();
  let json: { errors?: { message?: string; extensions?: { code?: string } }[]; report?: unknown } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // not JSON: said below with the status
  }
  if (response.ok && json !== undefined) return json;
  const error = json?.errors?.[0];
  const code = error?.extensions?.code;
  const message = `${endpoint} answered ${response.status}${code ? ` ${code}` : ''}: ${error?.message ?? (text.slice(0, 200) || response.statusText)}`;
  // The admin API's own hint (`?force=true`) is not the CLI's.
  if (code === 'SCHEMA_CHECK_FAILED') throw new CliFailure(EXIT.failed, NOT_PUBLISHED, json?.report);
  if (response.status === 503 || response.status === 502 || response.status === 504)
    throw new CliFailure(EXIT.unreachable, message);
  if (code === 'NOT_FOUND' && /no admin route/.test(message))
    throw new CliFailure(EXIT.unreachable, `${message} (is registry.enabled on at that gateway?)`);
  throw new CliFailure(
    response.status === 401 || code === 'BAD_USER_INPUT' ? EXIT.usage : EXIT.failed,
    message,
  );
}
