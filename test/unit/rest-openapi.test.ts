import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  type GraphQLEnumType,
  type GraphQLObjectType,
  type GraphQLSchema,
  parse,
  printType,
} from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import { REST_DIRECTIVES_SDL } from '../../schema/directives/rest.ts';
import { readOpenApi } from '../../schema/rest/openapi/document.ts';
import { generateRestSdl, openApiSubgraphSdl } from '../../schema/rest/openapi/index.ts';

const fixture = fileURLToPath(new URL('../fixtures/rest/shop.openapi.yaml', import.meta.url));

/** The generated SDL as a schema (federation's @key declared), to look at types and fields. */
function schemaOf(sdl: string): GraphQLSchema {
  const federation = 'directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT';
  return buildASTSchema(parse(`${REST_DIRECTIVES_SDL}\n${federation}\n${sdl}`));
}

function fieldTypes(schema: GraphQLSchema, type: string): Record<string, string> {
  const fields = (schema.getType(type) as GraphQLObjectType).getFields();
  return Object.fromEntries(Object.values(fields).map((f) => [f.name, String(f.type)]));
}

const doc = (paths: object, schemas: object = {}) => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas },
});

const getReturning = (schema: object, extra: object = {}) => ({
  get: {
    operationId: 'thing',
    responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
    ...extra,
  },
});

describe('OpenAPI import: the generated SDL', () => {
  it('maps the shop fixture: roots, arguments, $refs, allOf, enums, renames, recursion, entities', async () => {
    const { sdl, problems } = generateRestSdl(await readOpenApi(fixture), [
      {
        type: 'Product',
        key: 'id',
        operation: 'getProduct',
        batchOperation: 'list_products',
        batchParameter: 'ids',
      },
    ]);
    assert.deepEqual(problems, []);
    const schema = schemaOf(sdl);
    assert.deepEqual(Object.keys(fieldTypes(schema, 'Query')).sort(), [
      'getProduct',
      'listProducts',
      'relatedProducts',
      'whoami',
    ]);
    assert.deepEqual(Object.keys(fieldTypes(schema, 'Mutation')).sort(), [
      'createProduct',
      'deleteProduct',
      'updateProduct',
    ]);
    const getProduct = (schema.getType('Query') as GraphQLObjectType).getFields().getProduct!;
    assert.equal(String(getProduct.type), 'Product');
    assert.deepEqual(
      getProduct.args.map((a) => `${a.name}: ${a.type}`),
      ['productId: String!'],
    );
    assert.deepEqual(fieldTypes(schema, 'Product'), {
      product_name: 'String!',
      price_cents: 'Int!',
      status: 'Status!',
      id: 'ID!',
      sellerId: 'String',
      category: 'String',
      xInternalRank: 'Float',
      similar: '[Product!]',
    });
    assert.deepEqual(
      (schema.getType('Status') as GraphQLEnumType).getValues().map((v) => v.name),
      ['IN_STOCK', 'SOLD_OUT'],
    );
    assert.ok(schema.getType('NewProductInput'));
    assert.equal(fieldTypes(schema, 'ProductPage').items, '[Product!]!');
    assert.match(printType(schema.getType('Product')!), /@key|Product/);
    assert.match(sdl, /type Product @key\(fields: "id"\) @restLookup\(/);
    assert.match(sdl, /batchSelect: "items"/);
  });

  it('uses the JSON scalar for free-form objects and oneOf, and reads 3.1 nullable types', () => {
    const { sdl, problems } = generateRestSdl(
      doc(
        {
          '/t': getReturning({
            type: 'object',
            required: ['free', 'either', 'maybe', 'ref'],
            properties: {
              free: { type: 'object', additionalProperties: true },
              either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
              maybe: { type: ['string', 'null'] },
              ref: { anyOf: [{ $ref: '#/components/schemas/Leaf' }, { type: 'null' }] },
              codes: { type: 'integer', enum: [1, 2] },
            },
          }),
        },
        { Leaf: { type: 'object', properties: { n: { type: 'number' } } } },
      ),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(fieldTypes(schemaOf(sdl), 'ThingResult'), {
      free: 'JSON!',
      either: 'JSON!',
      maybe: 'String',
      ref: 'Leaf',
      codes: 'Int',
    });
  });

  it('reports $ref loops, non-local $refs and undeclared path parameters', () => {
    const { problems } = generateRestSdl(
      doc(
        {
          '/a': getReturning({ $ref: '#/components/schemas/A' }),
          '/b/{id}': getReturning({ type: 'string' }, { operationId: 'b' }),
          '/c': getReturning({ $ref: 'other.yaml#/Thing' }, { operationId: 'c' }),
        },
        { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } },
      ),
    );
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('paths./b/{id}.get:')));
  });

  it('reports entities that name no type, no field or no operation', async () => {
    const document = await readOpenApi(fixture);
    const { problems } = generateRestSdl(document, [
      { type: 'Nope', key: 'id' },
      { type: 'Product', key: 'sku' },
      { type: 'ProductPage', key: 'total', operation: 'missingOperation' },
      { type: 'WhoamiResult', key: 'name', batchOperation: 'list_products' },
    ]);
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      [
        'entities[0] (Nope)',
        'entities[1] (Product)',
        'entities[2] (ProductPage) operation',
        'entities[3] (WhoamiResult)',
      ],
    );
  });

  it('reads JSON documents too, and fails the load on a file that is not OpenAPI 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-openapi-'));
    try {
      const json = join(dir, 'api.json');
      await writeFile(json, JSON.stringify(doc({ '/t': getReturning({ type: 'string' }) })));
      assert.match(await openApiSubgraphSdl('t', json, []), /thing: String @rest/);
      const swagger = join(dir, 'swagger.yaml');
      await writeFile(swagger, 'swagger: "2.0"\npaths: {}\n');
      await assert.rejects(openApiSubgraphSdl('t', swagger, []), (error: unknown) => {
        assert.ok(error instanceof GatehouseError);
        assert.equal(error.code, 'CONFIG_INVALID');
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a $ref to a missing component schema, naming the $ref and the operation', async () => {
    const missing = doc(
      {
        '/t': getReturning({ type: 'object', properties: { owner: { $ref: '#/components/schemas/Owner' } } }),
      },
      {},
    );
    const { problems } = generateRestSdl(missing);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.ok(problems[0]?.includes('#/components/schemas/Owner'));
    assert.ok(problems[0]?.includes('thing'));
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-openapi-'));
    try {
      const file = join(dir, 'api.json');
      await writeFile(file, JSON.stringify(missing));
      await assert.rejects(openApiSubgraphSdl('t', file, []), (error: unknown) => {
        assert.ok(error instanceof GatehouseError);
        assert.equal(error.code, 'CONFIG_INVALID');
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps int64 to the BigInt scalar, declared once, in outputs and inputs', () => {
    const { sdl, problems } = generateRestSdl(
      doc({
        '/t': getReturning(
          {
            type: 'object',
            required: ['big'],
            properties: { big: { type: 'integer', format: 'int64' }, small: { type: 'integer' } },
          },
          { parameters: [{ name: 'after', in: 'query', schema: { type: 'integer', format: 'int64' } }] },
        ),
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(sdl.match(/^scalar BigInt$/gm)?.length, 1);
    const schema = schemaOf(sdl);
    assert.deepEqual(fieldTypes(schema, 'ThingResult'), { big: 'BigInt!', small: 'Int' });
    assert.equal(String(schema.getQueryType()?.getFields().thing?.args[0]?.type), 'BigInt');
  });
});
