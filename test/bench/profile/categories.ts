/**
 * Where a CPU profile sample belongs: the stage of a gateway request (parse, validate, plan,
 * upstream HTTP, JSON parse, merge, serialise...) or startup. A sample goes to the first frame,
 * from the leaf up, that a rule claims; generic frames (graphql's visitor, memoize, streams,
 * natives without a name) claim nothing, so their time goes to whoever called them.
 */

export interface Frame {
  functionName: string;
  url: string;
}

/** The npm package a script URL belongs to (`@scope/name` or `name`), or undefined. */
export function packageOf(url: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1];
}

/** A short name for where a frame's code lives: a package, a folder of ours, node, or V8. */
export function locationOf(frame: Frame): string {
  const pkg = packageOf(frame.url);
  if (pkg) return pkg;
  const ours = /\/(gateway|schema|subgraphs|test)\/([^/]+)/.exec(frame.url);
  if (ours && !frame.url.includes('node_modules')) return `gatehouse:${ours[1]}/${ours[2]}`;
  if (frame.url.startsWith('node:')) return `node:${frame.url.slice(5).split('/').slice(0, 2).join('/')}`;
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(V8 builtins)';
  return frame.url;
}

// Function names of @graphql-tools/delegate that build the subgraph queries (the runtime half of
// planning), and those that merge subgraph results into the response.
const PLAN_FUNCTIONS =
  /^(prepareGatewayDocument|finalizeGatewayDocument|createRequest|visitSelectionSet|getDelegationContext|delegateToSchema|delegateRequest|getDocumentMetadata|getFieldsNotInSubschema|buildDelegationPlan|createDelegationPlanBuilder|optimizeDelegationPlan|calculateDelegationStage|getPlanLeftOverFromParent|getFieldsFromDelegationPlan)/;
const MERGE_FUNCTIONS =
  /^(resolveExternalValue|resolveExternalObject|resolveExternalList|annotateExternalObject|mergeFields|mergeExternalObjects|handleResolverResult|wrapConcreteTypes|defaultMergedResolver|executeDelegationStage|getUnpathedErrors|getSubschema|isExternalObject|mergeDeep)/;

/** The category a frame claims, or undefined to let its caller decide. */
export function categoryOf(frame: Frame): string | undefined {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 (program: compiler, runtime)';
  if (url === '' && fn === 'parse') return 'JSON.parse (subgraph responses, request bodies)';
  if (url === '' && fn === 'stringify') return 'JSON.stringify';
  // Ours before the microtask rule: the plan engine's code runs in promise callbacks.
  if (/\/gateway\/engine\/execute\//.test(url))
    return 'execute the plan (ours: fetches, representations, merge)';
  if (/\/gateway\/engine\/project\//.test(url)) return 'project the result (ours: selection, nulls)';
  if (/\/gateway\/engine\//.test(url)) return 'plan engine (ours: cache lookup, variables, introspection)';
  // Security on (target gatehouse-secured): JWT verification (ours, jose, WebCrypto) and policies.
  if (
    /\/gateway\/auth\//.test(url) ||
    packageOf(url) === 'jose' ||
    /^node:internal\/crypto\/(?!random)/.test(url)
  )
    return 'auth (ours, jose, node:crypto: JWT verification)';
  if (/\/gateway\/policies\//.test(url)) return 'field policies (ours: judge, rewrite, patch)';
  if (/\/core\/(clone-json|request-table|outgoing-headers)\./.test(url))
    return 'upstream pipeline (ours: transport, dedup, errors)';
  if (/\/gateway\/server\/fast-path\./.test(url)) return 'downstream HTTP (node:http)';
  if (packageOf(url) === '@graphql-hive/router-query-planner') return 'plan (federation planner)';
  if (fn === 'runMicrotasks' || fn === 'processTicksAndRejections') return 'promise scheduling (microtasks)';
  if (/node:internal\/modules|\/tsx\/|\/esbuild\/|get-tsconfig/.test(url)) return 'startup: module loading';
  const pkg = packageOf(url);
  if (pkg === '@theguild/federation-composition' || /\/schema\/(compose|supergraph)\.ts/.test(url))
    return 'startup: composition and schema build';
  if (pkg === 'undici' || /\/gateway\/http\//.test(url)) return 'upstream HTTP (undici, our client)';
  if (/\/gateway\/upstream\//.test(url)) return 'upstream pipeline (ours: transport, dedup, errors)';
  if (/^node:_http_(server|incoming|outgoing|common)/.test(url)) return 'downstream HTTP (node:http)';
  if (pkg === 'graphql' && /\/language\/(parser|lexer)/.test(url)) return 'parse (GraphQL documents)';
  if (pkg === 'graphql' && /\/validation\//.test(url)) return 'validate';
  if (pkg === 'graphql' && /\/language\/printer/.test(url)) return 'print (subgraph queries)';
  if (pkg === 'graphql-yoga' && /result-processor|stringify/.test(url)) return 'serialise the response';
  if (pkg === '@graphql-tools/delegate' && PLAN_FUNCTIONS.test(fn)) return 'plan (build subgraph queries)';
  if (pkg === '@graphql-tools/delegate' && MERGE_FUNCTIONS.test(fn)) return 'merge subgraph results';
  if (pkg === '@graphql-tools/federation') return 'plan (federation planner)';
  if (pkg === '@graphql-tools/batch-delegate' || pkg === 'dataloader') return 'batch entity lookups';
  if (pkg === '@graphql-tools/delegate' || pkg === '@graphql-tools/stitch' || pkg === '@graphql-tools/wrap')
    return 'delegate and merge (other graphql-tools)';
  if (pkg === '@graphql-tools/executor' || (pkg === 'graphql' && /\/execution\//.test(url)))
    return 'execute (gateway resolvers)';
  if (pkg === 'graphql-yoga' || pkg?.startsWith('@whatwg-node/') || pkg?.startsWith('@envelop/'))
    return 'Yoga, envelop, whatwg-node (request handling)';
  return undefined;
}
