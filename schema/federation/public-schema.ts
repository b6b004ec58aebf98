/**
 * The schema clients see (the "API schema" of federation): the stitched supergraph keeps the
 * definitions of federation's own directives (`@tag`, `@authenticated`, `@requiresScopes`,
 * `@policy`, `@cost`, `@listSize`) and the scalars of their arguments (`policy__Policy`,
 * `requiresScopes__Scope`), which then show in introspection. They are dropped here; directives
 * a subgraph shares on purpose with `@composeDirective` stay. `@defer` is added: the gateway
 * answers it with incremental delivery on both engines.
 *
 * Applied directives stay on the AST nodes, but `getDirective(schema, ...)` needs the definition:
 * anything that reads federation directives from the schema must run before this step.
 */
import { GraphQLDeferDirective } from '@graphql-tools/utils';
import { GraphQLSchema } from 'graphql';

/** Directives of the federation specs that composition writes into a supergraph. */
const SPEC_DIRECTIVES = new Set([
  'link',
  'tag',
  'inaccessible',
  'authenticated',
  'requiresScopes',
  'policy',
  'cost',
  'listSize',
  'context',
  'fromContext',
]);

/** Types of those specs are named `<spec>__<Name>` (`join__Graph`, `policy__Policy`). */
const SPEC_TYPE = /^(join|link|federation|policy|requiresScopes|context|connect)__/;

export function publicSchema(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const directives = config.directives.filter((d) => !SPEC_DIRECTIVES.has(d.name));
  const types = config.types.filter((t) => !SPEC_TYPE.test(t.name));
  // `@defer` is the gateway's to answer (incremental delivery), whatever the subgraphs support.
  const hasDefer = directives.some((d) => d.name === 'defer');
  const withDefer = hasDefer ? directives : [...directives, GraphQLDeferDirective];
  if (hasDefer && directives.length === config.directives.length && types.length === config.types.length)
    return schema;
  return new GraphQLSchema({ ...config, directives: withDefer, types });
}
