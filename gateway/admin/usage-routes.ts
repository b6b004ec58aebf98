/**
 * Recorded usage (with `usage.enabled`; docs/usage.md), read by the admin API:
 *
 *   GET <path>/usage/operations[?limit=20]
 *        → { operations: [{ operation, name, hash, count, coordinates }], total }  most used first
 *   GET <path>/usage/coordinates/<coordinate>[?limit=20]
 *        → { coordinate, operations: [{ operation, name, hash, count }], total }  the operations
 *          using it (or something under it: `User` matches `User.name`), most used first
 *
 * Counts are those within `usage.retention`, of every replica with `store: redis`.
 */
import { GatehouseError } from '../../core/errors.ts';
import type { UsageSummaryReader } from '../usage/index.ts';
import type { AdminRoute } from './routes.ts';

/** The largest `limit` asked for. */
const MAX_LIMIT = 1_000;

/** `Type`, `Type.field`, `Type.field(arg:)`, `@directive`, `@directive(arg:)`; `=Type`: given whole. */
const NAME = '[_A-Za-z][_0-9A-Za-z]*';
const COORDINATE = new RegExp(
  `^(?:=?${NAME}(?:\\.${NAME}(?:\\(${NAME}:\\))?)?|@${NAME}(?:\\(${NAME}:\\))?)$`,
);

export function usageRoutes(reader: UsageSummaryReader): AdminRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^usage\/operations$/,
      template: 'usage/operations',
      maxBody: 0,
      async run({ query }) {
        const limit = limitOf(query);
        const [operations, total] = await Promise.all([reader.topOperations(limit), reader.operationCount()]);
        return { operations, total };
      },
    },
    {
      method: 'GET',
      pattern: /^usage\/coordinates\/(.+)$/,
      template: 'usage/coordinates/<coordinate>',
      maxBody: 0,
      async run({ params, query }) {
        const coordinate = params[0]!;
        if (!COORDINATE.test(coordinate))
          throw new GatehouseError(
            'BAD_USER_INPUT',
            `not a schema coordinate: ${JSON.stringify(coordinate.slice(0, 200))}; use Type, Type.field, Type.field(arg:), Enum.VALUE or @directive`,
          );
        const limit = limitOf(query);
        const using = (await reader.operationsUsing([coordinate])).get(coordinate) ?? [];
        return { coordinate, operations: using.slice(0, limit), total: using.length };
      },
    },
  ];
}

/** `?limit=`, 1 to MAX_LIMIT; 20 when absent. */
function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return 20;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new GatehouseError(
      'BAD_USER_INPUT',
      `limit must be a whole number from 1 to ${MAX_LIMIT}, got "${raw}"`,
    );
  return limit;
}
