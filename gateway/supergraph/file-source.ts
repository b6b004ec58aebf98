/**
 * The supergraph file source: a pre-composed supergraph SDL served as is. Federation subgraphs
 * are called at their `join__graph(url:)` (or `GATEHOUSE_SUBGRAPH_<NAME>_URL`, or the URL of the
 * config subgraph of the same name). REST and plain GraphQL subgraphs of the config run in
 * process through their loaders, matched by name; a file marked by `gatehouse compose` as having
 * in-process subgraphs is refused without a config that defines them. A file that cannot be read,
 * parsed or built is a startup error: waiting would not fix it.
 *
 * With `watch`, the file is watched (`file-watch.ts`) and each new version is put in service the
 * way the first was (its new in-process subgraphs loaded first); a version that cannot be served
 * leaves the schema in service, is logged and reported, and the next change is tried again.
 */
import { readFile } from 'node:fs/promises';
import { type DocumentNode, parse } from 'graphql';
import { GatehouseError, gatewayError } from '../../core/errors.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import { type SupergraphSubgraph, supergraphSubgraphs } from '../../schema/supergraph.ts';
import { subgraphUrlEnvName } from '../config/env.ts';
import { probeTargetsOf } from './config-source.ts';
import { contentHash, type FileWatch, watchFile } from './file-watch.ts';
import { schemaVersion } from './in-service.ts';
import {
  createSubgraphLoads,
  isStartupError,
  type LoadOutcome,
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
  /** Watch the file and serve each new version. @default not watched */
  watch?: { pollInterval: number; debounce?: number };
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
  checkSupergraphSdl(file, sdl);
  return sdl;
}

/** Throws CONFIG_INVALID when `sdl` (read from `file`) does not parse or is not a supergraph. */
function checkSupergraphSdl(file: string, sdl: string): void {
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
  // In-process subgraphs whose loading has begun (loaded, or retried until they load).
  const begun = new Set<string>();
  let sdl = '';
  let fileSubgraphs: SupergraphSubgraph[] = [];
  // Remote executors by name and URL: a new version of the file may move a subgraph.
  let remotes = new Map<string, SubgraphExecutor>();
  let problems: string[] = [];
  let watcher: FileWatch | undefined;
  let stopped = false;

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
    const url = env[subgraphUrlEnvName(subgraph.name)] ?? source?.url ?? subgraph.url;
    const key = `${subgraph.name} ${url}`;
    let remote = remotes.get(key);
    if (remote === undefined) {
      const executor = context.transport({
        name: subgraph.name,
        url,
        timeout: source?.timeout,
        headers: source?.headers,
      });
      remote = pipeline({ name: subgraph.name, url }, executor);
      remotes.set(key, remote);
    }
    return remote;
  };

  /**
   * Puts `next` in service; on success it is the file's version in service. `rebuild`: the
   * version in service again, with an in-process subgraph that has loaded since.
   */
  const putInService = (next: string, rebuild = false): boolean => {
    const put = inService.put(next, executorFor, { source: 'file', rebuild });
    problems = put.ok ? [] : [put.problem];
    if (!put.ok) return false;
    if (next !== sdl) {
      sdl = next;
      fileSubgraphs = supergraphSubgraphs(next);
      const names = new Set(fileSubgraphs.map((s) => s.name));
      // Remotes of subgraphs the file no longer names are not kept for later versions.
      const kept = new Map<string, SubgraphExecutor>();
      for (const [key, remote] of remotes)
        if (names.has(key.slice(0, key.indexOf(' ')))) kept.set(key, remote);
      remotes = kept;
      for (const state of loads.states.values()) state.inService = state.loaded && names.has(state.name);
    }
    return true;
  };

  const scheduleRetry = (source: SubgraphSource, delay: number) =>
    retryUntilLoaded(
      {
        loads,
        retry,
        logger,
        onLoaded(loaded, after) {
          if (sdl === '') return; // the first version never went in service: the start failed
          if (putInService(sdl, true)) {
            loads.states.get(loaded.name)!.inService = fileSubgraphs.some((s) => s.name === loaded.name);
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

  const checkInProcessMarks = (candidate: string) => {
    const missing = readInProcessMarker(candidate).filter(
      (mark) => !inProcessKind(configured.get(mark.name)),
    );
    if (missing.length === 0) return;
    throw new GatehouseError(
      'CONFIG_INVALID',
      `the supergraph file ${file} has subgraphs that run in the gateway: ${missing.map((m) => `${m.name} (${m.kind})`).join(', ')}`,
      [
        'their URLs are REST or plain GraphQL endpoints, not federation subgraphs; serve the file with the config that defines them: gatehouse --config <file> --supergraph <file>',
      ],
    );
  };

  /**
   * Loads the in-process subgraphs `candidate` names that were never loaded (those that failed
   * are retried); throws the startup errors (a schema file that cannot be read).
   */
  const loadNewcomers = async (candidate: SupergraphSubgraph[]) => {
    const names = new Set(candidate.map((s) => s.name));
    const newcomers = inProcess.filter((s) => names.has(s.name) && !begun.has(s.name));
    const outcomes: LoadOutcome[] = await Promise.all(newcomers.map((s) => loads.load(s)));
    throwStartupErrors(outcomes);
    newcomers.forEach((source, i) => {
      begun.add(source.name);
      if ('error' in outcomes[i]!) scheduleRetry(source, retry.initialDelay);
    });
  };

  /** A new version of the watched file: served like the first, or reported and left out. */
  const reload = async (candidate: string) => {
    if (stopped) return;
    // An empty file is one truncated to be written again (`cp`, `>`): not a version, and not a
    // failure to alert on; its contents come with the next change.
    if (candidate.trim() === '') {
      logger.debug(`${file} is empty (being written?); the schema in service is kept`);
      return;
    }
    const kept = inService.schema ? 'the schema in service is kept' : 'no schema is in service';
    try {
      checkSupergraphSdl(file, candidate);
      checkInProcessMarks(candidate);
      const subgraphs = supergraphSubgraphs(candidate);
      await loadNewcomers(subgraphs);
      if (stopped) return;
      if (!putInService(candidate)) {
        logger.error(`the new version of ${file} cannot be served; ${kept}: ${problems.join('; ')}`);
        return;
      }
      logger.info(
        `supergraph file ${file} reloaded: version ${inService.served?.version} (${subgraphs.map((s) => s.name).join(', ')})`,
      );
    } catch (error) {
      if (!isStartupError(error)) throw error;
      problems = [error.message.replace(/\n {2}- /g, '; ')];
      logger.error(`the new version of ${file} cannot be served; ${kept}: ${problems.join('; ')}`);
      // The watch reads a file only once it holds still and hands each contents once: this
      // version is really the file's, and is counted once.
      inService.refused(problems.join('; '), 'file', schemaVersion(candidate));
    }
  };

  return {
    async start() {
      const first = await readSupergraphFile(file);
      const subgraphs = supergraphSubgraphs(first);
      checkInProcessMarks(first);
      const names = new Set(subgraphs.map((s) => s.name));
      for (const s of options.subgraphs) {
        if (!names.has(s.name))
          logger.warn(`subgraph ${s.name} of the config is not in ${file}; it is not served`);
      }
      await loadNewcomers(subgraphs);
      if (!putInService(first)) {
        throw new GatehouseError('CONFIG_INVALID', `the supergraph file ${file} is not a valid supergraph`, [
          `${problems.join('; ')}; compose it again with \`gatehouse compose -o ${file}\``,
        ]);
      }
      logger.info(`serving supergraph ${file}: ${subgraphs.map((s) => s.name).join(', ')}`);
      if (options.watch && !stopped) {
        watcher = watchFile({
          file,
          initialHash: contentHash(first),
          pollInterval: options.watch.pollInterval,
          debounce: options.watch.debounce,
          logger,
          onContents: reload,
        });
      }
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
    async stop() {
      stopped = true;
      await watcher?.close();
    },
  };
}
