/**
 * What the benchmark sends: three workloads (the fixture's heavy `TestQuery`, the same twice under
 * aliases for the cost of a bigger answer, and a small query that one subgraph answers alone)
 * with the answer each must get, and the load scenarios run on them.
 */
import { Kind, type OperationDefinitionNode, parse, print } from 'graphql';
import { products, readFixture } from '../../subgraphs/bench/data.ts';

export type WorkloadName = 'testquery' | 'testquery-x2' | 'small';

/** Prefix of the second copy of each TestQuery root field in the doubled workload. */
const AGAIN = 'again_';

/**
 * TestQuery with each root field asked again under an alias (`again_users: users { ... }`): twice
 * the answer (175 KB), the same subgraph work per field, so the difference in CPU per request
 * is the cost of 88 KB more of answer.
 */
function doubled(
  body: { query: string; operationName?: string },
  expected: { data: Record<string, unknown> },
) {
  const document = parse(body.query);
  const definitions = document.definitions.map((d) => {
    if (d.kind !== Kind.OPERATION_DEFINITION) return d;
    const again = d.selectionSet.selections.map((s) =>
      s.kind === Kind.FIELD
        ? { ...s, alias: { kind: Kind.NAME, value: `${AGAIN}${s.alias?.value ?? s.name.value}` } }
        : s,
    );
    return {
      ...d,
      selectionSet: { ...d.selectionSet, selections: [...d.selectionSet.selections, ...again] },
    } as OperationDefinitionNode;
  });
  const data: Record<string, unknown> = { ...expected.data };
  for (const [key, value] of Object.entries(expected.data)) data[`${AGAIN}${key}`] = value;
  return {
    body: JSON.stringify({ ...body, query: print({ ...document, definitions }) }),
    expected: { data },
  };
}

export interface Workload {
  name: WorkloadName;
  label: string;
  /** The POST body, as sent. */
  body: string;
  /** The response every target must give, deep-equal. */
  expected: unknown;
}

const SMALL_QUERY = 'query SmallQuery { topProducts(first: 5) { upc name price weight } }';

export function loadWorkloads(): Record<WorkloadName, Workload> {
  return {
    testquery: {
      name: 'testquery',
      label: 'TestQuery (fixture)',
      body: JSON.stringify(JSON.parse(readFixture('body.json'))),
      expected: JSON.parse(readFixture('expected-response.json')),
    },
    'testquery-x2': {
      name: 'testquery-x2',
      label: 'TestQuery twice under aliases',
      ...doubled(JSON.parse(readFixture('body.json')), JSON.parse(readFixture('expected-response.json'))),
    },
    small: {
      name: 'small',
      label: 'small query, one subgraph',
      body: JSON.stringify({ query: SMALL_QUERY, operationName: 'SmallQuery' }),
      expected: {
        data: {
          topProducts: products
            .slice(0, 5)
            .map(({ upc, name, price, weight }) => ({ upc, name, price, weight })),
        },
      },
    },
  };
}

export interface Scenario {
  id: string;
  label: string;
  workload: WorkloadName;
  connections: number;
  /** A different `Authorization` header on every request (no cache keyed on headers can help). */
  uniqueAuth: boolean;
  /**
   * The unique `Authorization` is a valid signed JWT (`Bearer <RS256 token>`, from the run's token
   * pool, never sent twice to one process): what target `gatehouse-secured` needs.
   */
  jwt?: true;
}

export const scenarios: readonly Scenario[] = [
  {
    id: 'testquery-50-unique',
    label: 'TestQuery, 50 connections, unique Authorization',
    workload: 'testquery',
    connections: 50,
    uniqueAuth: true,
  },
  {
    id: 'testquery-50-jwt',
    label: 'TestQuery, 50 connections, a unique signed JWT per request',
    workload: 'testquery',
    connections: 50,
    uniqueAuth: true,
    jwt: true,
  },
  {
    id: 'testquery-50-same',
    label: 'TestQuery, 50 connections, identical requests',
    workload: 'testquery',
    connections: 50,
    uniqueAuth: false,
  },
  {
    id: 'testquery-1',
    label: 'TestQuery, 1 connection (unloaded latency)',
    workload: 'testquery',
    connections: 1,
    uniqueAuth: false,
  },
  {
    id: 'testquery-x2-50-unique',
    label: 'TestQuery twice under aliases, 50 connections, unique Authorization',
    workload: 'testquery-x2',
    connections: 50,
    uniqueAuth: true,
  },
  {
    id: 'small-50',
    label: 'small query, 50 connections',
    workload: 'small',
    connections: 50,
    uniqueAuth: false,
  },
  {
    id: 'small-1',
    label: 'small query, 1 connection (one-hop latency)',
    workload: 'small',
    connections: 1,
    uniqueAuth: false,
  },
];

/** The scenario whose numbers the published targets are judged on. */
export const HEADLINE_SCENARIO = 'testquery-50-unique';
