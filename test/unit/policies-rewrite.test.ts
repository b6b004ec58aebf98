/**
 * The rewrite's size: linear in the client's document, even where a field refused on one
 * implementation of an interface returns the interface again (each level kept for the other
 * implementations would otherwise multiply the document by their number).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse, print } from 'graphql';
import { expandedFieldCount } from '../../gateway/limits/fields.ts';
import { rewriteOperation } from '../../gateway/policies/rewrite.ts';

const schema = buildSchema(`
  interface Node { id: ID related: [Node] }
  type A implements Node { id: ID related: [Node] }
  type B implements Node { id: ID related: [Node] }
  type C implements Node { id: ID related: [Node] }
  type Secret implements Node { id: ID related: [Node] }
  type Query { nodes: [Node] }`);

/** `{ nodes { related { ... related { id } } } }`, `depth` times `related`, `Secret.related` refused. */
function rewritten(depth: number) {
  const selection = Array.from({ length: depth }).reduce<string>((inner) => `related { ${inner} }`, 'id');
  return rewriteOperation(schema, parse(`{ nodes { ${selection} } }`), undefined, (type, field) =>
    type.name === 'Secret' && field === 'related' ? 'FORBIDDEN' : 'allowed',
  )!;
}

describe('field policies: the rewrite of nested abstract selections', () => {
  it('grows linearly with the depth (a kept subselection is walked and written once)', () => {
    const six = print(rewritten(6).document).length;
    const twelve = print(rewritten(12).document).length;
    // Linear: twice the depth, about twice the size (it was 3^6 times the size).
    assert.ok(twelve < 3 * six, `depth 6: ${six} chars, depth 12: ${twelve} chars`);
  });

  it('keeps the field for the types that may see it, from one shared fragment', () => {
    const { document, root } = rewritten(2);
    const expected = parse(`
      { nodes { ...on A { related { ...__gatehouse_1 } } ...on B { related { ...__gatehouse_1 } }
                ...on C { related { ...__gatehouse_1 } } __gatehouse_typename: __typename } }
      fragment __gatehouse_0 on Node { id }
      fragment __gatehouse_1 on Node {
        ...on A { related { ...__gatehouse_0 } } ...on B { related { ...__gatehouse_0 } }
        ...on C { related { ...__gatehouse_0 } } __gatehouse_typename: __typename }`);
    assert.equal(print(document), print(expected));
    // One removal per path, not one per type that walked it.
    assert.equal(root.children.get('nodes')?.node.removals.length, 1);
    assert.equal(root.children.get('nodes')?.node.children.get('related')?.node.removals.length, 1);
    // The expanded size still multiplies: the room holds it to limits.maxFields.
    assert.equal(expandedFieldCount(document, undefined), 26);
  });

  it('records the @defer context of the removals in a shared walk, per deferred fragment', () => {
    const refused = (type: { name: string }, field: string) =>
      type.name === 'Secret' && field === 'related' ? 'FORBIDDEN' : 'allowed';
    const deferrals = (query: string) => {
      const { root } = rewriteOperation(schema, parse(query), undefined, refused)!;
      const nodes = root.children.get('nodes')!.node;
      const inner = nodes.children.get('related')!.node;
      const of = (node: typeof nodes) => node.removals.map((r) => r.deferrals.map((d) => d.path.join('.')));
      return { outer: of(nodes), inner: of(inner) };
    };
    // Inside a deferred fragment: the removal in the shared walk carries the fragment too.
    assert.deepEqual(deferrals('{ nodes { id ... @defer { related { related { id } } } } }'), {
      outer: [['nodes']],
      inner: [['nodes']],
    });
    // One subselection spread deferred and not: walked once in each context, never reused across.
    const spread = 'fragment G on Node { related { related { id } } }';
    for (const query of [
      `{ nodes { ... @defer { ...G } ...G } } ${spread}`,
      `{ nodes { ...G ... @defer { ...G } } } ${spread}`,
    ]) {
      const { outer, inner } = deferrals(query);
      assert.deepEqual([...outer].sort(), [[], ['nodes']], query);
      assert.deepEqual([...inner].sort(), [[], ['nodes']], query);
    }
  });

  it('names its fragments apart from the client’s', () => {
    const document = parse(
      `{ nodes { related { ...__gatehouse_0 } } } fragment __gatehouse_0 on Node { id }`,
    );
    const { document: out } = rewriteOperation(schema, document, undefined, (type, field) =>
      type.name === 'Secret' && field === 'related' ? 'FORBIDDEN' : 'allowed',
    )!;
    const names = out.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [d.name.value] : []));
    assert.equal(new Set(names).size, names.length);
  });
});
