/**
 * What the registry commands print: one line per subgraph (`gatehouse subgraphs`), one per
 * version (`gatehouse versions <name>`), and whether a publish or rollback is in service.
 */
import type { RegistryVersion } from '../store.ts';
import type { ListedSubgraph } from './targets.ts';

/**
 * `<name>\t<source>; <versions and service>; <who, when>; reachable; error: <why>`. The version
 * in service is said, and the newest when it is another one (kept out: it does not compose); a
 * subgraph in service that the health checks cannot reach is never said plainly "in service".
 */
export function subgraphLine(s: ListedSubgraph): string {
  const facts: (string | false | undefined)[] = [s.source];
  const down = s.reachable === false ? ' but UNREACHABLE' : '';
  if (s.version !== undefined) {
    const served = s.versionInService;
    if (served !== undefined && served !== s.version)
      facts.push(`v${served} in service${down}`, `newest v${s.version} NOT in service`);
    else if (s.inService === true && (s.source === 'registry' || served === s.version))
      facts.push(`v${s.version} in service${down}`);
    else if (s.inService !== undefined)
      facts.push(`v${s.version} not in service`, s.inService && `config entry in service${down}`);
    facts.push(`v${s.version} by ${s.author} at ${s.publishedAt}`);
  } else if (s.inService !== undefined) {
    facts.push(s.inService ? `in service${down}` : 'not in service');
  }
  // Unreachable is said with "in service" above; reachability is known only while in service.
  facts.push(s.reachable === true && 'reachable');
  if (s.error !== undefined) facts.push(`error: ${s.error}`);
  return `${s.name}\t${facts.filter(Boolean).join('; ')}`;
}

/** `v<n>\tby <who> at <when>[; restores v<m>][; in service]`. */
export function versionLine(v: RegistryVersion & { inService?: boolean }): string {
  const facts = [
    `by ${v.author} at ${v.publishedAt}`,
    v.restoredFrom !== undefined && `restores v${v.restoredFrom}`,
    v.inService === true && 'in service',
  ].filter(Boolean);
  return `v${v.version}\t${facts.join('; ')}`;
}

/** After a publish or rollback: whether the gateway serves it. */
export const served = (inService: boolean | undefined) =>
  inService === undefined
    ? ''
    : inService
      ? ' (in service)'
      : ' (NOT in service: see the gateway log and /readyz)';
