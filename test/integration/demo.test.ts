import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Demo, startDemo } from '../../subgraphs/demo/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

interface ExampleData {
  listBooks: Array<{
    title: string;
    year: number;
    author: { name: string };
    averageRating: number | null;
    reviews: Array<{ rating: number; body: string; author: { name: string; memberSince: number } }>;
  }>;
}

describe('the demo graph behind the gateway', () => {
  let demo: Demo;
  let gateway: TestGateway;
  const resetCounters = () => {
    for (const server of Object.values(demo.servers)) server.resetRequests();
  };
  const counters = () =>
    Object.fromEntries(Object.entries(demo.servers).map(([name, server]) => [name, server.requests()]));

  before(async () => {
    demo = await startDemo();
    gateway = await startTestGateway(demo.config, { baseDir: demo.baseDir });
  });
  after(async () => {
    await gateway?.close();
    await demo?.close();
  });

  it('puts all three backends in service', () => {
    const status = gateway.supergraph.status();
    assert.deepEqual(
      status.subgraphs.map((s) => [s.name, s.loaded]),
      [
        ['catalogue', true],
        ['accounts', true],
        ['reviews', true],
      ],
    );
    assert.deepEqual(status.compositionProblems, []);
  });

  it('answers the example query with data from all three, without errors', async () => {
    resetCounters();
    const exampleQuery = demo.config.server?.exampleQuery;
    assert.ok(exampleQuery);
    const { status, body } = await gateway.query<ExampleData>(exampleQuery);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    const books = body.data!.listBooks;
    assert.equal(books.length, 8);
    const earthsea = books[0]!;
    // catalogue (REST): the book and its embedded author
    assert.equal(earthsea.title, 'A Wizard of Earthsea');
    assert.equal(earthsea.author.name, 'Ursula K. Le Guin');
    // reviews (federation): the reviews of the book
    assert.equal(earthsea.averageRating, 4.5);
    assert.deepEqual(
      earthsea.reviews.map((r) => r.rating),
      [5, 4],
    );
    // accounts (plain GraphQL): who wrote them
    assert.deepEqual(
      earthsea.reviews.map((r) => r.author),
      [
        { name: 'Ada Okafor', memberSince: 2016 },
        { name: 'Chen Wei', memberSince: 2021 },
      ],
    );
    assert.equal(books.find((b) => b.title === 'Americanah')?.reviews.length, 2);
    // One call per backend: the reviews of every book in one _entities call, the reviewers in one
    // usersByIds call.
    assert.deepEqual(counters(), { catalogue: 1, accounts: 1, reviews: 1 });
  });

  it('joins the other way: reviews to catalogue books and accounts users, batched', async () => {
    resetCounters();
    const { body } = await gateway.query<{
      latestReviews: Array<{ book: { title: string; price: number }; author: { name: string } }>;
    }>('{ latestReviews(first: 4) { book { title price } author { name } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data!.latestReviews, [
      { book: { title: 'Americanah', price: 13.5 }, author: { name: 'Ada Okafor' } },
      { book: { title: 'Americanah', price: 13.5 }, author: { name: 'Dagny Lund' } },
      { book: { title: 'Ficciones', price: 14 }, author: { name: 'Chen Wei' } },
      { book: { title: 'Beloved', price: 13 }, author: { name: 'Bruno Ferreira' } },
    ]);
    // The three books in one GET /books?ids=..., the four authors in one usersByIds call.
    assert.deepEqual(counters(), { catalogue: 1, accounts: 1, reviews: 1 });
  });

  it('adds a book through the REST POST and finds it afterwards', async () => {
    const created = await gateway.query<{ createBook: { id: string; reviews: unknown[] } }>(
      'mutation { createBook(input: { title: "The Lathe of Heaven", authorId: "1", year: 1971, price: 9.5 }) { id reviews { id } } }',
    );
    assert.equal(created.body.errors, undefined);
    const { id } = created.body.data!.createBook;
    assert.deepEqual(created.body.data!.createBook.reviews, []);
    const { body } = await gateway.query<{ getBook: { title: string; author: { name: string } } }>(
      'query ($id: String!) { getBook(id: $id) { title author { name } } }',
      { id },
    );
    assert.deepEqual(body.data?.getBook, {
      title: 'The Lathe of Heaven',
      author: { name: 'Ursula K. Le Guin' },
    });
  });

  it('opens GraphiQL on the example query', async () => {
    const response = await gateway.yoga.fetch('http://gateway/graphql', { headers: { accept: 'text/html' } });
    const html = await response.text();
    const options = JSON.parse(/const options = (\{.*\});/.exec(html)![1]!) as { defaultQuery?: string };
    assert.equal(options.defaultQuery, demo.config.server?.exampleQuery);
  });
});
