/**
 * The errors a projection adds (stage: plan): a null at a non-null position, unless an error
 * of the tree already explains it, and a value whose shape does not fit the operation.
 */
import type { GraphQLError } from 'graphql';
import { gatewayError } from '../../../core/errors.ts';
import type { FieldStep } from './plan.ts';

type Path = ReadonlyArray<string | number>;

/** A trie of the tree's error paths; `end` marks where an error's path ends. */
interface PathNode {
  end: boolean;
  next: Map<string | number, PathNode>;
}

/** The tree's errors, indexed by path on first need (most walks meet no violation). */
export class Explanations {
  private root: PathNode | undefined;
  constructor(private readonly errors: readonly GraphQLError[]) {}

  /** Whether an error's path equals `path`, starts with it, or is a prefix of it. */
  explains(path: Path): boolean {
    if (this.root === undefined) this.root = this.index();
    let node = this.root;
    if (node.end) return true;
    for (const segment of path) {
      const child = node.next.get(segment);
      if (child === undefined) return false;
      if (child.end) return true;
      node = child;
    }
    // Every error below `path` starts with it.
    return node.next.size > 0;
  }

  private index(): PathNode {
    const root: PathNode = { end: false, next: new Map() };
    for (const error of this.errors) {
      if (error.path === undefined) continue;
      let node = root;
      for (const segment of error.path) {
        let child = node.next.get(segment);
        if (child === undefined) {
          child = { end: false, next: new Map() };
          node.next.set(segment, child);
        }
        node = child;
      }
      node.end = true;
    }
    return root;
  }
}

/** "Cannot return null for non-nullable field T.f." at `path` (the stitching engine says the same). */
export function nonNullError(step: FieldStep, path: Path): GraphQLError {
  return gatewayError('SUBGRAPH_ERROR', `Cannot return null for non-nullable field ${step.coordinate}.`, {
    path: [...path],
    nodes: step.nodes,
  });
}

/** A value of the wrong shape for the operation at `path`; `problem` says what was found. */
export function shapeError(step: FieldStep, path: Path, problem: string): GraphQLError {
  return gatewayError('RESULT_SHAPE_INVALID', `Invalid value for field ${step.coordinate}: ${problem}.`, {
    path: [...path],
    nodes: step.nodes,
  });
}
