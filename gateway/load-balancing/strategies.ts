/**
 * How the next call's target is chosen among those that may take it: round robin, least in flight
 * (ties in turn), or a smooth weighted round robin (nginx's: deterministic and evenly spread, so
 * weights 95 and 5 give exactly 5 calls in every 100 to the second, never 5 in a row).
 */
import type { Target } from './target.ts';

/** `round-robin`, `least-in-flight` or `weighted` (config `loadBalancing.strategy`). */
export type Strategy = 'round-robin' | 'least-in-flight' | 'weighted';

/** Chooses among `targets` those for which `usable` is true; undefined when none is. */
export type Picker = (usable: (target: Target) => boolean) => Target | undefined;

/** A picker over `targets` (fixed for its life) with `strategy`'s rule and its own state. */
export function createPicker(strategy: Strategy, targets: readonly Target[]): Picker {
  switch (strategy) {
    case 'round-robin':
      return roundRobin(targets);
    case 'least-in-flight':
      return leastInFlight(targets);
    case 'weighted':
      return smoothWeighted(targets);
  }
}

/** Each usable target in turn, in the configured order. */
export function roundRobin(targets: readonly Target[]): Picker {
  let next = 0;
  return function pickRoundRobin(usable) {
    for (let i = 0; i < targets.length; i++) {
      const index = (next + i) % targets.length;
      const target = targets[index]!;
      if (usable(target)) {
        next = (index + 1) % targets.length;
        return target;
      }
    }
    return undefined;
  };
}

/** The usable target with the fewest calls in flight; among equals, each in turn. */
export function leastInFlight(targets: readonly Target[]): Picker {
  let start = 0;
  return function pickLeastInFlight(usable) {
    let best: Target | undefined;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(start + i) % targets.length]!;
      if (usable(target) && (best === undefined || target.inFlight < best.inFlight)) best = target;
    }
    start = (start + 1) % targets.length;
    return best;
  };
}

/**
 * Smooth weighted round robin: each usable target's running weight grows by its weight, the
 * largest is chosen and loses the usable targets' total. Over any `total` calls with the same
 * usable targets, each gets exactly its weight; a target left out (down, ejected) is skipped and
 * the others share its calls by their weights.
 */
export function smoothWeighted(targets: readonly Target[]): Picker {
  return function pickWeighted(usable) {
    let best: Target | undefined;
    let total = 0;
    for (const target of targets) {
      if (!usable(target)) continue;
      target.current += target.weight;
      total += target.weight;
      if (best === undefined || target.current > best.current) best = target;
    }
    if (best !== undefined) best.current -= total;
    return best;
  };
}
