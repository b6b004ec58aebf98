/**
 * `--introspect`: the SDL of a running service: `{ _service { sdl } }` for a federation subgraph,
 * the introspection query (printed as SDL) for a plain GraphQL service.
 */
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, printSchema } from 'graphql';
import { CliFailure, EXIT } from './exit.ts';

const TIMEOUT_MS = 10_000;

export async function introspectSdl(url: string, kind: 'federation' | 'graphql'): Promise<string> {
  const query = kind === 'federation' ? '{ _service { sdl } }' : getIntrospectionQuery();
  let body: {
    data?: { _service?: { sdl?: string } } & Partial<IntrospectionQuery>;
    errors?: { message: string }[];
  };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new CliFailure(
      EXIT.unreachable,
      `--introspect: ${url} could not be asked: ${(error as Error).message}`,
    );
  }
  if (kind === 'federation') {
    const sdl = body.data?._service?.sdl;
    if (typeof sdl === 'string' && sdl.trim() !== '') return sdl;
  } else if (body.data?.__schema) {
    return printSchema(buildClientSchema(body.data as IntrospectionQuery));
  }
  throw new CliFailure(
    EXIT.failed,
    `--introspect: ${url} gave no schema: ${body.errors?.[0]?.message ?? 'no data'}${kind === 'federation' ? ' (not a federation subgraph? try --kind graphql)' : ''}`,
  );
}
