/**
 * Operation names as label values, bounded: the first `max` distinct names of operations that ran
 * are kept as they are; any other name is `__other`, and an operation without a name
 * `__anonymous`. A name joins only once its operation ran (parsed and validated against the
 * schema), so requests refused before that (a bad token, a rate limit) cannot fill the slots with
 * names of their own.
 */
export const ANONYMOUS = '__anonymous';
export const OTHER = '__other';

export interface OperationNames {
  /** The label value of `name`; `ran`: its operation reached execution (it may join). */
  label(name: string | undefined, ran: boolean): string;
  readonly size: number;
}

export function createOperationNames(max: number): OperationNames {
  const known = new Set<string>();
  return {
    label(name, ran) {
      if (name === undefined || name === '') return ANONYMOUS;
      if (known.has(name)) return name;
      if (!ran || known.size >= max) return OTHER;
      known.add(name);
      return name;
    },
    get size() {
      return known.size;
    },
  };
}
