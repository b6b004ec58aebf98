/**
 * Conformance cases as data: a graph (subgraphs on loopback, some of them possibly down) and the
 * operations sent to it, each with the whole answer worked out by hand from the subgraphs' data
 * and written as a literal. `runConformance` runs them on every engine; `differential.test.ts`
 * sends the same operations to both engines and compares their answers. The graphs are listed in
 * `cases/index.ts`.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { GraphQLSchema } from 'graphql';
import { ErrorCodes } from '../../core/errors.ts';
import { forEachEngine, type SharedFederation, sharedFederation } from './harness.ts';

/** An answer as compared: the gateway's body, with `locations` where an error has them. */
export interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{
    message: string;
    locations?: Array<{ line: number; column: number }>;
    path?: Array<string | number>;
    extensions?: Record<string, unknown>;
  }>;
}

export interface ConformanceCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /**
   * The whole answer, worked out by hand from the subgraphs' data (never by running a gateway).
   * Messages the gateway or graphql-js write are `'…'` (see {@link comparable}).
   */
  expected: Body;
  /**
   * The HTTP status of the answer.
   * @default 200
   */
  status?: number;
  /** Requests each named subgraph receives for the operation (unnamed ones are not counted). */
  requests?: Record<string, number>;
  /** Marks the stitching run `todo`: `'stitching engine: <why it is wrong>'` (listed in README.md). */
  stitchingTodo?: string;
}

export interface ConformanceGraph {
  /** The feature the graph shows: the suite's name, and the first part of each case's id. */
  feature: string;
  subgraphs: () => Record<string, GraphQLSchema>;
  /** Subgraphs whose servers stop once every engine's gateway has composed. */
  down?: readonly string[];
  cases: readonly ConformanceCase[];
}

/** A case's id in reports and in the differential allowlist: `feature › case`. */
export const caseId = (graph: ConformanceGraph, c: ConformanceCase) => `${graph.feature} › ${c.name}`;

/**
 * True when the gateway (or graphql-js) wrote the error, whose wording may change: it names no
 * subgraph, or its code is one of the gateway's own about a subgraph (not SUBGRAPH_ERROR, which
 * a subgraph's error gets when it has no code). A subgraph's message is kept: passing it through
 * unchanged is what is tested.
 */
function gatewayWritten(error: NonNullable<Body['errors']>[number]): boolean {
  const { code, serviceName } = error.extensions ?? {};
  if (serviceName === undefined) return true;
  // About a subgraph, written by the gateway: the catalogue's upstream codes. A subgraph's own
  // code may be a catalogue name too (`FORBIDDEN`): its message is the subgraph's.
  return (
    typeof code === 'string' &&
    code !== 'SUBGRAPH_ERROR' &&
    Object.hasOwn(ErrorCodes, code) &&
    ErrorCodes[code as keyof typeof ErrorCodes].upstream
  );
}

/** The body as compared: messages the gateway wrote replaced by `'…'`. */
export function comparable(body: Body): Body {
  if (body.errors === undefined) return body;
  return {
    ...body,
    errors: body.errors.map((error) => (gatewayWritten(error) ? { ...error, message: '…' } : error)),
  };
}

/** The servers and the gateway of each engine for `graph`, shared by its cases (and closed after the suite). */
export const federationOf = (graph: ConformanceGraph): SharedFederation =>
  sharedFederation(graph.subgraphs, { down: graph.down });

/** One suite per graph, one test per case and engine, comparing the whole answer. */
export function runConformance(graphs: readonly ConformanceGraph[]): void {
  for (const graph of graphs) {
    describe(graph.feature, () => {
      const federation = federationOf(graph);
      forEachEngine(({ it, engine }) => {
        for (const c of graph.cases) {
          it(c.name, { stitchingTodo: c.stitchingTodo }, async () => {
            const fed = await federation.on(engine);
            const { status, body } = await fed.query(c.query, c.variables);
            assert.equal(status, c.status ?? 200);
            assert.deepEqual(comparable(body as Body), c.expected);
            for (const [name, count] of Object.entries(c.requests ?? {})) {
              assert.equal(fed.servers[name]?.requests(), count, `requests to ${name}`);
            }
          });
        }
      });
    });
  }
}
