/**
 * The `reload` section of the configuration: watching the supergraph file served (`supergraph`,
 * `--supergraph`) and putting each new version in service. Schema polling of the config's
 * subgraphs is `loading.pollInterval` (and a subgraph's own `pollInterval`); a config reload is
 * SIGHUP. Part of the one config schema (`schema.ts`).
 */
import { z } from 'zod';
import { RELOAD_POLL_INTERVAL } from '../../core/defaults.ts';
import { duration } from './duration.ts';

export const reloadSchema = z
  .strictObject({
    watch: z
      .boolean()
      .default(true)
      .describe(
        'Watch the supergraph file served (`supergraph`, `--supergraph`) and put each new version in service without a restart, whether it is rewritten in place or replaced by a rename; a version that cannot be served is logged and the schema in service kept',
      ),
    pollInterval: duration(
      "Time between two checks of the supergraph file's size and modification time, the backstop of the directory watch (which some file systems do not support)",
    ).default(RELOAD_POLL_INTERVAL),
  })
  .describe('Hot reload of the supergraph file (SIGHUP reloads the whole config)');
