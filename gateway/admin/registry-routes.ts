/**
 * The registry's admin routes (with `registry.enabled`):
 *
 *   GET  <path>/subgraphs                  every subgraph: its version, where from, in service, reachable
 *   GET  <path>/subgraphs/<name>/versions  its versions kept, newest first
 *   POST <path>/check                      body: an entry → { report }
 *   POST <path>/subgraphs[?force=true]     body: an entry → { published, version, inService, report }
 *                                          (both bodies may add "failOn": "breaking" | "used", not stored)
 *                                          (409 SCHEMA_CHECK_FAILED with the report when the check fails)
 *   POST <path>/subgraphs/<name>/rollback  body: {} or { "to": 3 } → { version, inService }
 *
 * Names in paths are checked (`names.ts`: 400 BAD_USER_INPUT); header values of entries are
 * shown as `[redacted]` (`redact.ts`). The author recorded is the JWT's `sub` when a JWT with
 * `admin.scope` was used; else the `x-gatehouse-author` header (the CLI sends `--author` or
 * $USER), else `admin`. A publish or rollback answers once the gateway has tried to serve it.
 */
import { GatehouseError } from '../../core/errors.ts';
import type { UsageReader } from '../../core/usage.ts';
import type { Logger } from '../logger/index.ts';
import { type FailOn, parseFailOn } from '../registry/check/index.ts';
import type { RegistryGraph } from '../registry/graph.ts';
import { subgraphName } from '../registry/names.ts';
import { checkEntry, publishEntry } from '../registry/publish.ts';
import { redactVersion } from '../registry/redact.ts';
import type { SupergraphStatus } from '../supergraph/index.ts';
import { AdminRefusal, type AdminRequest, type AdminRoute } from './routes.ts';

export interface RegistryRoutesOptions {
  graph: RegistryGraph;
  status(): SupergraphStatus;
  /** Recorded usage, for the checks. @default none */
  usage?: UsageReader;
  logger: Pick<Logger, 'info'>;
}

/** Entries carry their SDL: larger bodies than other admin requests. */
const MAX_ENTRY = 4 * 1024 * 1024; // 4 MiB

const authorOf = (request: AdminRequest) =>
  request.subject?.slice(0, 200) ||
  (request.headers.get('x-gatehouse-author') ?? '').slice(0, 200).trim() ||
  'admin';

export function registryRoutes(options: RegistryRoutesOptions): AdminRoute[] {
  const { graph, logger } = options;
  const served = async (name: string, version: number) => {
    await graph.refresh();
    return graph.inService().get(name) === version;
  };
  return [
    {
      method: 'GET',
      pattern: /^subgraphs$/,
      template: 'subgraphs',
      maxBody: 0,
      async run() {
        const listed = new Map((await graph.store.list()).map((v) => [v.name, v]));
        const inService = graph.inService();
        const configured = new Map(graph.configSubgraphs().map((c) => [c.name, c]));
        const subgraphs = options.status().subgraphs.map((s) => {
          const version = listed.get(s.name);
          const config = configured.get(s.name);
          // Labelled by what is served: a config subgraph stays `config` while no registry
          // version of it is (one refused, or kept out).
          const fromRegistry = inService.has(s.name) || config === undefined;
          const served = fromRegistry
            ? version && { kind: version.entry.kind, url: version.entry.url }
            : config;
          return {
            ...s,
            source: fromRegistry ? 'registry' : 'config',
            ...(served && { kind: served.kind, url: served.url }),
            ...(version && {
              version: version.version,
              versionInService: inService.get(s.name),
              author: version.author,
              publishedAt: version.publishedAt,
            }),
          };
        });
        return { store: graph.store.kind, subgraphs };
      },
    },
    {
      method: 'GET',
      pattern: /^subgraphs\/([^/]+)\/versions$/,
      template: 'subgraphs/<name>/versions',
      maxBody: 0,
      async run({ params }) {
        const name = subgraphName(params[0]);
        const versions = await graph.store.versions(name);
        if (versions.length === 0)
          throw new GatehouseError('NOT_FOUND', `no subgraph ${name} in the registry`);
        const current = graph.inService().get(name);
        return {
          name,
          versions: versions.map((v) => ({ ...redactVersion(v), inService: v.version === current })),
        };
      },
    },
    {
      method: 'POST',
      pattern: /^check$/,
      template: 'check',
      maxBody: MAX_ENTRY,
      async run({ body }) {
        const { entry, failOn } = withFailOn(body);
        return { report: await checkEntry(graph, entry, options.usage, failOn) };
      },
    },
    {
      method: 'POST',
      pattern: /^subgraphs$/,
      template: 'subgraphs',
      maxBody: MAX_ENTRY,
      async run(request) {
        const force = ['1', 'true'].includes(request.query.get('force') ?? '');
        const author = authorOf(request);
        const { entry, failOn } = withFailOn(request.body);
        const outcome = await publishEntry(graph, graph.store, {
          entry,
          author,
          force,
          usage: options.usage,
          ...(failOn !== undefined && { failOn }),
        });
        if (!outcome.published || outcome.version === undefined)
          throw new AdminRefusal(
            'SCHEMA_CHECK_FAILED',
            'the check failed: not published (publish anyway with ?force=true)',
            {
              report: outcome.report,
            },
          );
        const { name, version } = outcome.version;
        logger.info('admin: subgraph published', { name, version, author, forced: !outcome.report.ok });
        return {
          published: true,
          version: redactVersion(outcome.version),
          inService: await served(name, version),
          report: outcome.report,
        };
      },
    },
    {
      method: 'POST',
      pattern: /^subgraphs\/([^/]+)\/rollback$/,
      template: 'subgraphs/<name>/rollback',
      maxBody: 16 * 1024,
      async run(request) {
        const name = subgraphName(request.params[0]);
        const to = (request.body as { to?: unknown } | undefined)?.to;
        if (to !== undefined && !(Number.isInteger(to) && (to as number) >= 1))
          throw new GatehouseError('BAD_USER_INPUT', 'rollback: `to` is a version number (1 or more)');
        const author = authorOf(request);
        const version = await graph.store.rollback(name, { author }, to as number | undefined);
        logger.info('admin: subgraph rolled back', {
          name,
          version: version.version,
          restoredFrom: version.restoredFrom,
          author,
        });
        return { version: redactVersion(version), inService: await served(name, version.version) };
      },
    },
  ];
}

/** The entry of a check or publish body, and its `failOn` (a choice for this check, not stored). */
function withFailOn(body: unknown): { entry: unknown; failOn?: FailOn } {
  if (typeof body !== 'object' || body === null || !('failOn' in body)) return { entry: body };
  const { failOn, ...entry } = body as { failOn?: unknown };
  return { entry, failOn: parseFailOn(failOn) };
}
