/**
 * The schema header of a federation subgraph that declares cache policies: federation v2.9 with
 * `@key`, Gatehouse's cacheControl spec linked and shared with `@composeDirective`, and the
 * directive's definition (Apollo's arguments).
 */
export const CACHE_CONTROL_HEADER = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective"])
  @link(url: "https://gatehouse.dev/cacheControl/v0.1", import: ["@cacheControl"])
  @composeDirective(name: "@cacheControl")
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;
