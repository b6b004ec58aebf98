/**
 * Runs the `gatehouse` command from a tree of modules: dist/ (compiled, `.js`) or the sources
 * (`.ts`, through tsx). The demo command is wired in here, so that nothing under gateway/ imports
 * the demo backends.
 *
 * @param {URL} root the folder holding gateway/ and subgraphs/
 * @param {'.js' | '.ts'} ext
 */
export async function run(root, ext) {
  const { runCli } = await import(new URL(`gateway/cli${ext}`, root).href);
  await runCli(process.argv.slice(2), {
    demo: async (options) => {
      const { runDemo } = await import(new URL(`subgraphs/demo/cli${ext}`, root).href);
      return runDemo(options);
    },
  });
}
