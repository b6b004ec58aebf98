/**
 * The supergraph file source: a pre-composed supergraph SDL served as is. Federation subgraphs
 * are called at their `join__graph(url:)` (or `GATEHOUSE_SUBGRAPH_<NAME>_URL`, or the URL of the
 * config subgraph of the same name). REST and plain GraphQL subgraphs of the config run in
 * process through their loaders, matched by name; a file marked by `gatehouse compose` as having
 * in-process subgraphs is refused without a config that defines them. A file that cannot be read,
 * parsed or built is a startup error: waiting would not fix it.
 */
import { readFile } from 'node:fs/promises';
import { type DocumentNode, parse } from 'graphql';
import { GatehouseError, gatewayError } from '../../core/errors.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import { type SupergraphSubgraph, supergraphSubgraphs } from '../../schema/supergraph.ts';
import { subgraphUrlEnvName } from '../config/env.ts';
import { probeTargetsOf } from './config-source.ts';
import {
  createSubgraphLoads,
  retryUntilLoaded,
  type SubgraphSource,
  type SubgraphStatus,
  throwStartupErrors,
} from './loading.ts';
import { readInProcessMarker } from './marker.ts';
import type { SupergraphSource, SupergraphSourceContext } from './source.ts';

export interface FileSourceOptions {
  file: string;
  /** The config's subgraphs, matched by name to the file's. */
  subgraphs: readonly SubgraphSource[];
  /** For `GATEHOUSE_SUBGRAPH_<NAME>_URL` overrides of the file's URLs. */
  env: NodeJS.ProcessEnv;
}

/** Reads and checks a supergraph file; throws CONFIG_INVALID naming the file and the problem. */
export async function readSupergraphFile(file: string): Promise<string> {
  let sdl: string;
  try {
    sdl = await readFile(file, 'utf8');
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot read the supergraph file ${file}`, [
      `${(cause as Error).message}; check the --supergraph path (or \`supergraph\` in the config)`,
    ]);
  }
  let document: DocumentNode;
  try {
    document = parse(sdl, { noLocation: true });
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `the supergraph file ${file} does not parse`, [
      `${(cause as Error).message}; compose it again with \`gatehouse compose -o ${file}\``,
    ]);
  }
  if (supergraphSubgraphs(document).length === 0) {
    throw new GatehouseError('CONFIG_INVALID', `the supergraph file ${file} is not a supergraph`, [
      `it names no subgraph (no join__Graph enum); compose one with \`gatehouse compose -o ${file}\``,
    ]);
  }
  return sdl;
}

const inProcessKind = (s: SubgraphSource | undefined) => s?.kind === 'rest' || s?.kind === 'graphql';

export function createFileSource(
  options: FileSourceOptions,
  { inService, retry, context, logger, pipeline }: SupergraphSourceContext,
): SupergraphSource {
  const { file, env } = options;
  const configured = new Map(options.subgraphs.map((s) => [s.name, s]));
  const inProcess = options.subgraphs.filter(inProcessKind);
  const loads = createSubgraphLoads({ sources: inProcess, context, logger, pipeline });
  let sdl = '';
  let fileSubgraphs: SupergraphSubgraph[] = [];
  const remotes = new Map<string, SubgraphExecutor>();
  let problems: string[] = [];

  const notLoaded = (name: string): SubgraphExecutor =>
    async function notLoadedExecutor() {
      return {
        errors: [
          gatewayError('SUBGRAPH_NOT_LOADED', `subgraph ${name} is not loaded yet`, { serviceName: name }),
        ],
      };
    };

  /** The executor of each subgraph: in process when the config runs it so, else over HTTP (once). */
  const executorFor = (subgraph: SupergraphSubgraph): SubgraphExecutor => {
    const source = configured.get(subgraph.name);
    if (inProcessKind(source)) return loads.loaded.get(subgraph.name)?.executor ?? notLoaded(subgraph.name);
    let remote = remotes.get(subgraph.name);
    if (remote === undefined) {
      const url = env[subgraphUrlEnvName(subgraph.name)] ?? source?.url ?? subgraph.url;
      const executor = context.transport({
        name: subgraph.name,
        url,
        timeout: source?.timeout,
        headers: source?.headers,
      });
      remote = pipeline({ name: subgraph.name, url }, executor);
      remotes.set(subgraph.name, remote);
    }
    return remote;
  };

  const rebuild = (): boolean => {
    const put = inService.put(sdl, executorFor);
    problems = put.ok ? [] : [put.problem];
    return put.ok;
  };

  const scheduleRetry = (source: SubgraphSource, delay: number) =>
    retryUntilLoaded(
      {
        loads,
        retry,
        logger,
        onLoaded(loaded, after) {
          if (rebuild()) {
            loads.states.get(loaded.name)!.inService = true;
            return;
          }
          // The schema in service stays; the newcomer is loaded and tried again later.
          loads.setAside(loaded.name, `could not be put in service: ${problems.join('; ')}`);
          logger.warn(`subgraph ${loaded.name} could not be put in service; it is loaded again later`);
          scheduleRetry(loaded, retry.next(after));
        },
      },
      source,
      delay,
    );

  const checkInProcessMarks = () => {
    const missing = readInProcessMarker(sdl).filter((mark) => !inProcessKind(configured.get(mark.name)));
    if (missing.length === 0) return;
    throw new GatehouseError(
      'CONFIG_INVALID',
      `the supergraph file ${file} has subgraphs that run in the gateway: ${missing.map((m) => `${m.name} (${m.kind})`).join(', ')}`,
      [
        'their URLs are REST or plain GraphQL endpoints, not federation subgraphs; serve the file with the config that defines them: gatehouse --config <file> --supergraph <file>',
      ],
    );
  };

  return {
    async start() {
      sdl = await readSupergraphFile(file);
      fileSubgraphs = supergraphSubgraphs(sdl);
      checkInProcessMarks();
      const names = new Set(fileSubgraphs.map((s) => s.name));
      for (const s of options.subgraphs) {
        if (!names.has(s.name))
          logger.warn(`subgraph ${s.name} of the config is not in ${file}; it is not served`);
      }
      const served = inProcess.filter((s) => names.has(s.name));
      const outcomes = await Promise.all(served.map((s) => loads.load(s)));
      throwStartupErrors(outcomes);
      if (!rebuild()) {
        throw new GatehouseError('CONFIG_INVALID', `the supergraph file ${file} is not a valid supergraph`, [
          `${problems.join('; ')}; compose it again with \`gatehouse compose -o ${file}\``,
        ]);
      }
      served.forEach((source, i) => {
        if ('error' in outcomes[i]!) scheduleRetry(source, retry.initialDelay);
        else loads.states.get(source.name)!.inService = true;
      });
      logger.info(`serving supergraph ${file}: ${fileSubgraphs.map((s) => s.name).join(', ')}`);
    },
    subgraphs(): SubgraphStatus[] {
      return fileSubgraphs.map((s) => {
        const state = loads.states.get(s.name);
        if (state) return { ...state };
        const required = configured.get(s.name)?.required ?? false;
        return { name: s.name, required, loaded: true, inService: true, attempts: 0 };
      });
    },
    compositionProblems: () => problems,
    probeTargets: () => {
      const names = new Set(fileSubgraphs.map((s) => s.name));
      return probeTargetsOf(options.subgraphs.filter((s) => names.has(s.name)));
    },
  };
}
