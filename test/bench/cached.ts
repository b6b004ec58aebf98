/**
 * The caches warm, for targets `gatehouse-cached` and `gatehouse-entity-cached`: the plain config
 * plus a cache policy (`subgraphs[].cacheControl`, an hour) on every `Type.field` TestQuery
 * selects, on each subgraph that resolves it (the same coordinates as the field limits of
 * `limits.ts`), so that TestQuery is cacheable.
 *
 * - `response`: the response cache; after its first answer, every one comes from the cache.
 * - `entities`: the entity cache alone (no response cache, no root fields kept); after the first
 *   answer, each operation sends its root fetches only: every entity is kept.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BenchSubgraphName } from '../../subgraphs/bench/schemas.ts';
import { fieldLimitsBySubgraph } from './limits.ts';

/** Seconds every selected field may be cached: longer than any run. */
export const CACHED_MAX_AGE = 3_600;

/** Writes the config into `workDir`; returns its path. */
export function writeCachedConfig(
  workDir: string,
  subgraphUrls: Readonly<Record<BenchSubgraphName, string>>,
  supergraphSdl: string,
  query: string,
  mode: 'response' | 'entities' = 'response',
): string {
  const bySubgraph = fieldLimitsBySubgraph(supergraphSdl, query);
  const file = join(
    workDir,
    mode === 'response' ? 'gatehouse-cached.config.yaml' : 'gatehouse-entity-cached.config.yaml',
  );
  writeFileSync(
    file,
    stringify({
      server: { host: '127.0.0.1', graphiql: false },
      cache:
        mode === 'response'
          ? { response: { enabled: true } }
          : { response: { enabled: false }, entities: { enabled: true, rootFields: false } },
      subgraphs: (Object.keys(subgraphUrls) as BenchSubgraphName[]).map((name) => ({
        name,
        kind: 'federation',
        url: subgraphUrls[name],
        ...(bySubgraph[name] && {
          cacheControl: Object.fromEntries(
            Object.keys(bySubgraph[name]).map((coordinate) => [coordinate, { maxAge: CACHED_MAX_AGE }]),
          ),
        }),
      })),
    }),
  );
  return file;
}
