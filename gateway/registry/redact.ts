/**
 * Registry versions as shown to people (admin answers, CLI output): an entry's static `headers`
 * often hold credentials, so their names are shown and their values replaced.
 */
import type { RegistryEntry } from './entry.ts';
import type { RegistryVersion } from './store.ts';

/** What a header value is shown as. */
export const REDACTED = '[redacted]';

/** `entry` with each header value replaced by `[redacted]`. */
export function redactEntry(entry: RegistryEntry): RegistryEntry {
  if (entry.headers === undefined || entry.headers === null || typeof entry.headers !== 'object')
    return entry;
  return {
    ...entry,
    headers: Object.fromEntries(Object.keys(entry.headers).map((name) => [name, REDACTED])),
  };
}

/** `version` with its entry's header values redacted. */
export function redactVersion<T extends RegistryVersion>(version: T): T {
  return { ...version, entry: redactEntry(version.entry) };
}
