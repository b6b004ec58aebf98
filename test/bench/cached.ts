/**
 * The response cache warm, for target `gatehouse-cached`: the plain config plus a cache policy
 * (`subgraphs[].cacheControl`, an hour) on every `Type.field` TestQuery selects, on each subgraph
 * that resolves it (the same coordinates as the field limits of `limits.ts`), so that TestQuery is
 * cacheable and, after its first answer, every one comes from the cache.
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
): string {
  const bySubgraph = fieldLimitsBySubgraph(supergraphSdl, query);
  const file = join(workDir, 'gatehouse-cached.config.yaml');
  writeFileSync(
    file,
    stringify({
      server: { host: '127.0.0.1', graphiql: false },
      cache: { response: { enabled: true } },
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
