/**
 * Reading a REST API's JSON answer. `JSON.parse` reads every number as a double, so an `int64`
 * past 2^53 has lost digits before the `BigInt` scalar sees it. Where revivers get the source
 * text of each number (`context.source`: Node 21 and later), a subgraph that declares
 * `scalar BigInt` reads such integers as their digits, a string, exactly. On Node 20 they stay
 * doubles and lose digits; an API that sends int64 values as strings keeps every digit anywhere.
 */

/** True when this runtime gives `JSON.parse` revivers the source text of each value. */
export const SOURCE_TEXT_AVAILABLE: boolean = (() => {
  let seen = false;
  JSON.parse('0', (_key, value, context?: { source?: unknown }) => {
    seen = typeof context?.source === 'string';
    return value;
  });
  return seen;
})();

const INTEGER = /^-?\d+$/;

/** An integer that a double cannot hold exactly, as its digits; anything else as parsed. */
export function exactIntegers(_key: string, value: unknown, context?: { source?: unknown }): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return typeof source === 'string' && INTEGER.test(source) ? source : value;
}

/** Parses `body`; with `exact`, integers past 2^53 keep their digits where the runtime allows. */
export function parseRestJson(body: string, exact: boolean): unknown {
  return exact && SOURCE_TEXT_AVAILABLE ? JSON.parse(body, exactIntegers) : JSON.parse(body);
}
