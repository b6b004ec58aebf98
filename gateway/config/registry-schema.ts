/**
 * The `registry` section (`gateway/registry/`): the self-hosted schema registry. Backend teams
 * publish their subgraphs to it (`gatehouse publish`, the admin API); the gateway composes them
 * with the config's subgraphs and swaps the new schema in without a restart. Off by default.
 */
import { z } from 'zod';
import { duration } from './duration.ts';
import { SUBGRAPH_NAME } from './subgraphs-schema.ts';

export const registrySchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Serve the subgraphs published to the registry, beside the config ones (off by default)'),
    store: z
      .enum(['directory', 'redis'])
      .default('directory')
      .describe(
        'Where published versions are kept: `directory`, JSON files on disk (one process, or a shared volume; GitOps-friendly); `redis`, the `redis` connection (shared by replicas)',
      ),
    directory: z
      .string()
      .min(1)
      .default('./registry')
      .describe('With `store: directory`: the folder of the registry (relative to the config file)'),
    pollInterval: duration(
      'How often the store is read again, besides its change notifications (a backstop; every replica sees a publish within this)',
    ).default(1_000),
    maxVersions: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('Versions kept per subgraph; the oldest are dropped beyond it'),
    allowOverride: z
      .array(z.string().regex(SUBGRAPH_NAME, 'is not a subgraph name'))
      .default([])
      .describe(
        "Config subgraphs a registry entry may replace (by name); the registry refuses to publish, and the gateway to serve, any other config subgraph's name",
      ),
  })
  .describe('The schema registry (docs/registry.md)');
export type RegistryConfig = z.output<typeof registrySchema>;
