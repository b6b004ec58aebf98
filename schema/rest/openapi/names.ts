/**
 * GraphQL names from OpenAPI names: operationIds become camelCase fields, schema names PascalCase
 * types, enum values UPPER_SNAKE. A name that had to change keeps its JSON name through `@map`.
 */

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

function safe(name: string, fallback: string): string {
  if (name === '') return fallback;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `get-product_by id` → `getProductById`. */
export function camelCase(text: string): string {
  const [first = '', ...rest] = words(text);
  return safe(first.charAt(0).toLowerCase() + first.slice(1) + rest.map(capitalize).join(''), 'field');
}

/** `product-list` → `ProductList`. */
export function pascalCase(text: string): string {
  return safe(words(text).map(capitalize).join(''), 'Type');
}

/** A field or argument name: the JSON name when it is a valid GraphQL name, else camelCase. */
export function fieldName(json: string): string {
  return isName(json) ? json : camelCase(json);
}

/** `in-stock` → `IN_STOCK`. */
export function enumValueName(value: string): string {
  const name = words(value)
    .map((w) => w.toUpperCase())
    .join('_');
  return safe(name, 'EMPTY');
}

/** True for a valid GraphQL name that is not reserved (`__x`). */
export function isName(text: string): boolean {
  return /^[_A-Za-z][_0-9A-Za-z]*$/.test(text) && !text.startsWith('__');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Picks `name`, or `name2`, `name3`... the first not in `taken`; adds it to `taken`. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}${i}`;
  taken.add(candidate);
  return candidate;
}
