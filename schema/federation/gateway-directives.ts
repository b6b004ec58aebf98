/**
 * Gateway directives a subgraph must share with `@composeDirective` for them to reach the
 * supergraph: composition drops every other custom directive silently, and a field limit dropped
 * so would leave the field unlimited. A subgraph that links the spec of one (`@link(url:
 * "https://gatehouse.dev/rateLimit/v0.1")`) without composing it is a composition problem: its
 * schema is not put in service, rather than served without the limits its team declared.
 */
import { type ConstDirectiveNode, type DocumentNode, Kind, valueFromASTUntyped } from 'graphql';

/** The specs of gateway directives, by URL path name, with their directive. */
const SPECS: Record<string, string> = { rateLimit: '@rateLimit', cacheControl: '@cacheControl' };
const SPEC_URL = /^https:\/\/gatehouse\.dev\/([A-Za-z]+)\/v\d+\.\d+$/;

/** A problem per gateway directive `typeDefs` links but does not compose; empty when none. */
export function uncomposedGatewayDirectives(typeDefs: DocumentNode): string[] {
  const links: ConstDirectiveNode[] = [];
  const composed = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value === 'link') links.push(directive);
      if (
        directive.name.value === 'composeDirective' ||
        directive.name.value.endsWith('__composeDirective')
      ) {
        const name = argument(directive, 'name');
        if (typeof name === 'string') composed.add(name);
      }
    }
  }
  const problems: string[] = [];
  for (const link of links) {
    const url = argument(link, 'url');
    const spec = typeof url === 'string' ? SPEC_URL.exec(url)?.[1] : undefined;
    const directive = spec === undefined ? undefined : SPECS[spec];
    if (directive === undefined) continue;
    const local = localName(link, directive);
    if (!composed.has(local)) {
      problems.push(
        `links ${url} but does not share ${local} with @composeDirective: add @composeDirective(name: "${local}") to its schema extension, or composition drops every ${local} it declares`,
      );
    }
  }
  return problems;
}

/** The name a link gives `directive` in the subgraph: its import (`as` included), else the link's `as`. */
function localName(link: ConstDirectiveNode, directive: string): string {
  const imports = argument(link, 'import');
  for (const item of Array.isArray(imports) ? imports : []) {
    if (item === directive) return directive;
    if (typeof item === 'object' && item !== null && (item as { name?: unknown }).name === directive) {
      const as = (item as { as?: unknown }).as;
      return typeof as === 'string' ? as : directive;
    }
  }
  const as = argument(link, 'as');
  return typeof as === 'string' ? `@${as}` : directive;
}

function argument(directive: ConstDirectiveNode, name: string): unknown {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value === undefined ? undefined : valueFromASTUntyped(value);
}

/**
 * The local name of a gateway directive in a supergraph (or subgraph) document: `@<spec>` unless
 * a link to `https://gatehouse.dev/<spec>/vX.Y` renames it (its import's `as`, or the link's `as`
 * for the spec's root directive). `onVersion` hears each linked version (to refuse one it does
 * not read).
 */
export function linkedDirectiveName(
  document: DocumentNode,
  spec: string,
  onVersion?: (url: string, version: string) => void,
): string {
  const directive = `@${spec}`;
  let name = spec;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = argument(link, 'url');
      const match = typeof url === 'string' ? SPEC_URL.exec(url) : null;
      if (match === null || match[1] !== spec) continue;
      onVersion?.(url as string, /v\d+\.\d+$/.exec(url as string)![0]);
      name = localName(link, directive).replace(/^@/, '');
    }
  }
  return name;
}
