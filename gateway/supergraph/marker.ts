/**
 * The mark `gatehouse compose` leaves on a supergraph whose subgraphs run in process (REST APIs,
 * plain GraphQL services): a leading comment line such as
 *
 *   # gatehouse:in-process catalogue=rest accounts=graphql
 *
 * Their `join__graph(url:)` is the backend's own URL, which speaks REST or plain GraphQL, not
 * federation: such a file is served only with the config that defines them.
 */
const PREFIX = '# gatehouse:in-process';

export interface InProcessMark {
  name: string;
  kind: string;
}

/** The marker line for `subgraphs` (none when there are none), ending with a newline. */
export function inProcessMarker(subgraphs: readonly InProcessMark[]): string {
  if (subgraphs.length === 0) return '';
  return `${PREFIX} ${subgraphs.map((s) => `${s.name}=${s.kind}`).join(' ')}\n`;
}

/** The in-process subgraphs a supergraph SDL is marked with, from its leading comment lines. */
export function readInProcessMarker(sdl: string): InProcessMark[] {
  const marks: InProcessMark[] = [];
  for (const line of sdl.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#')) break;
    if (!trimmed.startsWith(`${PREFIX} `)) continue;
    for (const pair of trimmed.slice(PREFIX.length).trim().split(/\s+/)) {
      const [name, kind] = pair.split('=');
      if (name && kind) marks.push({ name, kind });
    }
  }
  return marks;
}
