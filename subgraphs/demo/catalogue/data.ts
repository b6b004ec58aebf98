/**
 * The catalogue's records: authors and the books they wrote. Each running server gets its own
 * copy (`catalogueData()`), so a book added through `POST /books` stays in that server.
 */

/** A writer. */
export interface Author {
  id: string;
  name: string;
  /** Year of birth. */
  born: number;
  country: string;
}

/** A book as stored: the author by id. */
export interface BookRecord {
  id: string;
  title: string;
  authorId: string;
  /** Year of first publication. */
  year: number;
  isbn: string;
  /** Price in euros. */
  price: number;
}

/** A book as the API returns it: the author embedded, as most REST APIs do. */
export interface Book extends Omit<BookRecord, 'authorId'> {
  author: Author;
}

const AUTHORS: readonly Author[] = [
  { id: '1', name: 'Ursula K. Le Guin', born: 1929, country: 'United States' },
  { id: '2', name: 'Italo Calvino', born: 1923, country: 'Italy' },
  { id: '3', name: 'Toni Morrison', born: 1931, country: 'United States' },
  { id: '4', name: 'Jorge Luis Borges', born: 1899, country: 'Argentina' },
  { id: '5', name: 'Chimamanda Ngozi Adichie', born: 1977, country: 'Nigeria' },
];

const BOOKS: readonly BookRecord[] = [
  { id: '1', title: 'A Wizard of Earthsea', authorId: '1', year: 1968, isbn: '9780547773742', price: 9.99 },
  { id: '2', title: 'The Dispossessed', authorId: '1', year: 1974, isbn: '9780061054884', price: 11.5 },
  { id: '3', title: 'Invisible Cities', authorId: '2', year: 1972, isbn: '9780156453806', price: 10.95 },
  {
    id: '4',
    title: 'If on a Winter’s Night a Traveler',
    authorId: '2',
    year: 1979,
    isbn: '9780156439619',
    price: 12.99,
  },
  { id: '5', title: 'Beloved', authorId: '3', year: 1987, isbn: '9781400033416', price: 13.0 },
  { id: '6', title: 'Ficciones', authorId: '4', year: 1944, isbn: '9780802130303', price: 14.0 },
  { id: '7', title: 'Half of a Yellow Sun', authorId: '5', year: 2006, isbn: '9781400095209', price: 12.0 },
  { id: '8', title: 'Americanah', authorId: '5', year: 2013, isbn: '9780307455925', price: 13.5 },
];

/** The catalogue's state, one per server. */
export interface CatalogueData {
  authors: Map<string, Author>;
  books: Map<string, BookRecord>;
}

export function catalogueData(): CatalogueData {
  return {
    authors: new Map(AUTHORS.map((a) => [a.id, { ...a }])),
    books: new Map(BOOKS.map((b) => [b.id, { ...b }])),
  };
}

/** The API's view of a stored book. */
export function toBook(data: CatalogueData, record: BookRecord): Book {
  const { authorId, ...rest } = record;
  return { ...rest, author: data.authors.get(authorId)! };
}
