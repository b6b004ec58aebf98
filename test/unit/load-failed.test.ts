/** Every loader fails the same way: a `GatehouseError` with code SUBGRAPH_LOAD_FAILED. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import { fetchSubgraphSdl } from '../../schema/federation/load.ts';
import { introspectService } from '../../schema/graphql-service/source.ts';

const isLoadFailed = (error: unknown) =>
  error instanceof GatehouseError && error.code === 'SUBGRAPH_LOAD_FAILED';
const answersError = async () => ({ errors: [new GraphQLError('nope')] });
const rejects = async () => {
  throw new Error('refused');
};

describe('SUBGRAPH_LOAD_FAILED', () => {
  it('is thrown one way by the federation SDL load and the introspection', async () => {
    await assert.rejects(fetchSubgraphSdl('fed', answersError), isLoadFailed);
    await assert.rejects(fetchSubgraphSdl('fed', rejects), isLoadFailed);
    await assert.rejects(introspectService('plain', answersError), isLoadFailed);
    await assert.rejects(introspectService('plain', rejects), isLoadFailed);
  });
});
