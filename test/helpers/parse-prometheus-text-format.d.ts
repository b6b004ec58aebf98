/** The parser has no types of its own: one function from the text format to prom2json's shape. */
declare module 'parse-prometheus-text-format' {
  const parse: (text: string) => unknown[];
  export default parse;
}
