/**
 * The GraphiQL page: the same application as Yoga's default page, loading its script, stylesheet
 * and editor workers from the gateway (`assetsPath`) instead of unpkg.com.
 */
import type { GraphiQLOptions } from 'graphql-yoga';

/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** JSON safe inside a `<script>` element: no `</script>` or `<!--` can end or bend it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Renders the GraphiQL page for `options` (Yoga's GraphiQL options: title, defaultQuery...). */
export function graphiqlHtml(options: GraphiQLOptions, assetsPath: string): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  const asset = (name: string) => escapeHtml(`${assetsPath}/${name}`);
  // Monaco asks for a worker by label; the files are the package's prebuilt worker bundles.
  const workers = {
    editorWorkerService: `${assetsPath}/monacoeditorwork/editor.worker.bundle.js`,
    json: `${assetsPath}/monacoeditorwork/json.worker.bundle.js`,
    graphql: `${assetsPath}/monacoeditorwork/graphql.worker..bundle.js`,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('graphiql.css')}">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script>
const workers = ${scriptJson(workers)};
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService,
};
</script>
<script src="${asset('yoga-graphiql.umd.js')}"></script>
<script>
const options = ${scriptJson(options)};
// GraphiQL opens with options.query, else the ?query= it keeps the edited query in, else its
// welcome text: it never reads defaultQuery. Hand the example over unless the user has edited.
if (options.defaultQuery && !new URL(location.href).searchParams.get('query')) {
  options.query = options.defaultQuery;
}
YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
</script>
</body>
</html>
`;
}
