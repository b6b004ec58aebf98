/**
 * Lists of entities whose fields live in another subgraph: every index of both levels of a list
 * of lists is kept, null items and null inner lists pass through, the same entity twice in a list
 * gets its fields (under aliases) at both places, and a non-null field sent as null nulls the
 * nearest nullable list (or, through non-null lists, the whole `data`).
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

// `x` is the cell whose non-null `value` the values subgraph sends as null.
const values: Record<string, number | null> = { a1: 11, a2: 12, b1: 21, b2: 22, x: null };
const cell = (id: string) => ({ id });
const nullValue = (path: Array<string | number>) => ({
  message: 'Cannot return null for non-nullable field Cell.value.',
  path,
  extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'values' },
});

export const lists: ConformanceGraph = {
  feature: 'lists of lists of entities',
  subgraphs: () => ({
    grid: apolloSubgraph(
      `${fed2('@key')}
      type Query {
        grid: [[Cell!]!]! sparse: [[Cell]] strictRows: [[Cell!]] strictGrid: [[Cell!]!]! twice: [Cell!]!
      }
      type Cell @key(fields: "id") { id: ID! }`,
      {
        Query: {
          grid: () => [[cell('a1'), cell('a2')], [cell('b1')]],
          sparse: () => [[cell('a1'), null], null, [cell('b2')]],
          strictRows: () => [[cell('a1')], [cell('x'), cell('b1')]],
          strictGrid: () => [[cell('a1')], [cell('x')]],
          twice: () => [cell('a1'), cell('a2'), cell('a1')],
        },
      },
    ),
    values: apolloSubgraph(
      `${fed2('@key')}
      type Cell @key(fields: "id") { id: ID! value: Int! label: String }`,
      {
        Cell: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          value: (c: { id: string }) => values[c.id],
          label: (c: { id: string }) => `L-${c.id}`,
        },
      },
    ),
  }),
  cases: [
    {
      name: 'joins entity fields at every index of both list levels',
      query: '{ grid { id value } }',
      expected: {
        data: {
          grid: [
            [
              { id: 'a1', value: 11 },
              { id: 'a2', value: 12 },
            ],
            [{ id: 'b1', value: 21 }],
          ],
        },
      },
    },
    {
      name: 'keeps null items and null inner lists where they are',
      query: '{ sparse { id label } }',
      expected: {
        data: { sparse: [[{ id: 'a1', label: 'L-a1' }, null], null, [{ id: 'b2', label: 'L-b2' }]] },
      },
    },
    {
      name: 'a null non-null field nulls the nullable inner list holding its item',
      query: '{ strictRows { id value } }',
      expected: {
        errors: [nullValue(['strictRows', 1, 0, 'value'])],
        data: { strictRows: [[{ id: 'a1', value: 11 }], null] },
      },
    },
    {
      name: 'through non-null lists to a non-null root field: data is null',
      query: '{ grid { id } strictGrid { value } }',
      expected: { errors: [nullValue(['strictGrid', 1, 0, 'value'])], data: null },
    },
    {
      name: 'the same entity twice in a list, with aliases of one field of another subgraph',
      query: '{ twice { id v: value again: value l: label } }',
      expected: {
        data: {
          twice: [
            { id: 'a1', v: 11, again: 11, l: 'L-a1' },
            { id: 'a2', v: 12, again: 12, l: 'L-a2' },
            { id: 'a1', v: 11, again: 11, l: 'L-a1' },
          ],
        },
      },
    },
  ],
};
