/**
 * Production mode (`server.production`, else `NODE_ENV=production`): what helps a developer and
 * an attacker alike is off unless its key turns it on: GraphiQL, introspection, "Did you mean
 * ...?". Says once, at startup, what it turned off.
 */
import type { GatehouseConfig } from '../config/index.ts';
import type { Logger } from '../logger/index.ts';

/** The default of a developer aid: its key when set, else on outside production mode. */
export type DevDefault = (value: boolean | undefined) => boolean;

export function productionDefaults(
  server: GatehouseConfig['server'],
  env: NodeJS.ProcessEnv,
  logger: Logger,
): DevDefault {
  const production = server.production ?? env.NODE_ENV === 'production';
  if (production) {
    const off = (
      [
        ['GraphiQL', server.graphiql],
        ['introspection', server.introspection],
        ['field suggestions', server.fieldSuggestions],
      ] as const
    )
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    if (off.length > 0)
      logger.info(`production mode: ${off.join(', ')} off (turn one on with its server.* key)`);
  }
  return (value) => value ?? !production;
}
