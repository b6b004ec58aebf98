/** The benchmark fixture's data (`test/fixtures/gateways-benchmark/data.json`), typed. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface Review {
  id: string;
  body: string;
  productUpc: string;
}

/**
 * Folder of the benchmark fixture, a copy kept in the repository (so tests pass in a fresh clone);
 * `GATEHOUSE_BENCH_FIXTURE` overrides it.
 */
export const FIXTURE_DIR =
  process.env.GATEHOUSE_BENCH_FIXTURE ??
  fileURLToPath(new URL('../../test/fixtures/gateways-benchmark/', import.meta.url));

export const readFixture = (file: string): string =>
  readFileSync(new URL(file, `file://${FIXTURE_DIR.replace(/\/?$/, '/')}`), 'utf8');

const data = JSON.parse(readFixture('data.json')) as {
  users: User[];
  products: Product[];
  inStock: Record<string, boolean>;
  reviews: Review[];
};

export const users = data.users;
export const products = data.products;
export const inStock = data.inStock;
export const reviews = data.reviews;
