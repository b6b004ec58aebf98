/**
 * Demand control in the config (the `demand-control` room, `gateway/demand-control/`): the
 * operation-wide settings (`demandControl`), and the `@cost` / `@listSize` a backend's fields
 * carry when its SDL cannot say so (`subgraphs[].cost`, for REST and plain GraphQL backends).
 * Federation subgraphs write the directives in their own SDL. docs/rate-limits.md.
 */
import { z } from 'zod';

/** `Type`, `Type.field` or `Type.field(argument:)` (an input field is `Input.field`). */
const costCoordinate = z
  .string()
  .regex(
    /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*(\([_A-Za-z][_0-9A-Za-z]*:\))?)?$/,
    'must be a schema coordinate: `Type`, `Type.field`, `Type.field(argument:)` or `Input.field`',
  );

const fieldName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a field or argument name');

/** What `@listSize` says of one field. */
export const listSizeSchema = z
  .strictObject({
    assumedSize: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Items the field returns when no slicing argument says (as `@listSize(assumedSize:)`)'),
    slicingArguments: z
      .array(fieldName)
      .min(1)
      .optional()
      .describe(
        'Arguments whose value is the number of items returned, e.g. `[first, last]` (as `@listSize(slicingArguments:)`)',
      ),
    sizedFields: z
      .array(fieldName)
      .min(1)
      .optional()
      .describe(
        'Fields of the returned object whose lists the slicing argument sizes, e.g. `[edges]` of a connection (as `@listSize(sizedFields:)`)',
      ),
    requireOneSlicingArgument: z
      .boolean()
      .default(true)
      .describe(
        'As `@listSize(requireOneSlicingArgument:)`; the gateway never refuses on it: the estimate takes the largest slicing argument sent',
      ),
  })
  .describe('The size of the lists a field returns (as `@listSize`)');

/** The `@cost` and `@listSize` of one coordinate. */
export const costDeclarationSchema = z
  .strictObject({
    weight: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'The cost of the field, type, argument or input field (as `@cost(weight:)`); on a type, of every field returning it',
      ),
    listSize: listSizeSchema.optional(),
  })
  .refine((d) => d.weight !== undefined || d.listSize !== undefined, {
    message: 'set `weight`, `listSize` or both',
  });

/** `subgraphs[].cost`: the demand-control directives of a subgraph's schema, by coordinate. */
export const subgraphCostSchema = z
  .record(costCoordinate, costDeclarationSchema)
  .optional()
  .describe(
    "Costs of this subgraph's schema by coordinate, as `@cost` and `@listSize` would set them: `Query.search: { weight: 5, listSize: { assumedSize: 50, slicingArguments: [first] } }`, `Book: { weight: 2 }`, `Query.search(filter:): { weight: 3 }`; a coordinate not in the schema stops the start",
  );

export const demandControlSchema = z
  .strictObject({
    maxCost: z
      .union([z.number().int().min(0), z.literal(false)])
      .transform((value) => (value === false ? 0 : value))
      .default(0)
      .describe(
        "Most estimated cost an operation may have; over it, COST_LIMIT_EXCEEDED (HTTP 400) before planning. `0` or `false` (the default): none, as a fitting maximum depends on the graph's weights and list sizes (measure first)",
      ),
    defaultListSize: z
      .number()
      .int()
      .min(0)
      .default(10)
      .describe('Items assumed of a list field that neither a slicing argument nor `assumedSize` sizes'),
    mode: z
      .enum(['enforce', 'measure'])
      .default('enforce')
      .describe(
        '`enforce`: operations over `maxCost` are refused; `measure`: the cost is computed and shown, never refused',
      ),
    exposeCost: z
      .enum(['never', 'when-asked', 'always'])
      .default('when-asked')
      .describe(
        'When the response carries `extensions.cost: { estimated, max }`: `when-asked` for a request whose `extensions` hold `"cost": true`',
      ),
  })
  .describe('Demand control: the static cost of each operation from `@cost` and `@listSize`');

export type DemandControlConfig = z.output<typeof demandControlSchema>;
export type SubgraphCostConfig = z.output<typeof subgraphCostSchema>;
export type CostDeclarationConfig = z.output<typeof costDeclarationSchema>;
