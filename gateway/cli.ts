/**
 * The `gatehouse` command line:
 *
 *   gatehouse [start] [--config <file>] [--supergraph <file>] [--host <addr>] [--port <n>]
 *   gatehouse compose [--config <file>] [--output <file>]
 *   gatehouse demo [--port <n>]
 *   gatehouse cache purge [--type <T>] [--key <K>] [--operation <name>] [--url <admin url>] [--config <file>]
 *   gatehouse check | publish | rollback | subgraphs | versions ...   (gateway/registry/cli)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Only node: modules above: `--help` and argument errors answer before the gateway (graphql, Yoga,
// the federation planner) is loaded. Each command imports main.ts when it runs.

/** Commands wired in by the entry point (bin/run.mjs), from outside gateway/. */
export interface CliCommands {
  /** `gatehouse demo`: the demo backends and a gateway in front of them; runs until a signal. */
  demo?(options: { host?: string; port?: number }): Promise<unknown>;
}

const USAGE = `Usage:
  gatehouse [start] [--config <file>] [--supergraph <file>] [--host <addr>] [--port <n>]
      Start the gateway. Without --config, the first gatehouse.config.{ts,mts,cts,mjs,js,yaml,
      yml,json} in the working directory is used; --supergraph serves a composed supergraph SDL
      file as is (with --config too, the config's REST and plain GraphQL subgraphs run in the
      gateway).
  gatehouse compose [--config <file>] [--output <file>]
      Load every subgraph and print the composed supergraph SDL, or the composition errors
      (exit code 1).
  gatehouse demo [--port <n>]
      Start the demo backends on loopback and the gateway in front of them (what npm start runs).
  gatehouse cache purge [--type <T> [--key <K>]] [--operation <name>] [--url <admin url>]
      Drop the cached answers holding entity <T> (with <K>: the one of that key; a compound key as
      JSON) or answering operation <name>, through a running gateway's admin endpoint (--url, or
      the config's server and admin.path). The token: $GATEHOUSE_ADMIN_TOKEN, or admin.token.
  gatehouse check --name <n> --url <subgraph url> (--schema <file> | --introspect) [--kind <k>]
  gatehouse publish --name <n> --url <subgraph url> (--schema <file> | --introspect) [--kind <k>] [--force]
  gatehouse rollback <name> [--to <version>]
  gatehouse subgraphs
  gatehouse versions <name>
      The schema registry (docs/registry.md): check a subgraph against the graph, publish it
      (served without a restart), roll it back, list the subgraphs (version in service, newest,
      reachable) or one's versions. Through a gateway's admin endpoint (--admin <url>, token
      $GATEHOUSE_ADMIN_TOKEN) or the store (--registry <dir>, --config). Exit codes: 0 ok, 1 check
      failed, publish refused or published but not in service, 2 usage error (bad arguments, an
      entry or schema that is not valid), 3 gateway, store or service to introspect unreachable.

Options:
  -c, --config <file>      configuration file
  -s, --supergraph <file>  supergraph SDL file to serve
  -H, --host <addr>        address to listen on (overrides server.host)
  -p, --port <n>           port to listen on (overrides server.port)
  -o, --output <file>      with compose: write the supergraph here instead of stdout
      --type, --key, --operation, --url   with cache purge: what to purge, and where
  -v, --version            print the version
  -h, --help               show this help
`;

/** The version in the package.json above this file (sources: the repository's; dist/: the package's). */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'gatehouse-graphql' && pkg.version) return pkg.version;
    } catch {
      // not this folder: try the next one up
    }
  }
  return 'unknown';
}

async function main(argv: string[], commands: CliCommands): Promise<number> {
  // The registry commands take options of their own (gateway/registry/cli).
  if (
    ['check', 'publish', 'rollback', 'subgraphs', 'versions'].includes(argv[0] ?? '') &&
    !argv.includes('--help')
  ) {
    const { runRegistryCommand } = await import('./registry/cli/index.ts');
    return runRegistryCommand(argv);
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      supergraph: { type: 'string', short: 's' },
      host: { type: 'string', short: 'H' },
      port: { type: 'string', short: 'p' },
      output: { type: 'string', short: 'o' },
      type: { type: 'string' },
      key: { type: 'string' },
      operation: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = positionals[0] ?? 'start';
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    const { GatehouseError } = await import('../core/errors.ts');
    throw new GatehouseError('CONFIG_INVALID', `--port must be a number, got "${values.port}"`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  switch (command) {
    case 'start': {
      const { runStart } = await import('./main.ts');
      await runStart({
        configFile: values.config,
        supergraphFile: values.supergraph,
        host: values.host,
        port,
      });
      return -1; // keeps running
    }
    case 'demo':
      if (commands.demo === undefined) {
        process.stderr.write('gatehouse: the demo is not part of this build\n');
        return 2;
      }
      await commands.demo({ host: values.host, port });
      return -1;
    case 'compose': {
      const { runCompose } = await import('./main.ts');
      const result = await runCompose({ configFile: values.config });
      if (result.supergraphSdl === undefined) {
        process.stderr.write(`Composition failed:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        return 1;
      }
      if (values.output) writeFileSync(values.output, result.supergraphSdl);
      else
        process.stdout.write(
          result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`,
        );
      return 0;
    }
    case 'cache': {
      if (positionals[1] !== 'purge') {
        process.stderr.write(
          `Unknown command "cache ${positionals[1] ?? ''}": use "cache purge".\n\n${USAGE}`,
        );
        return 2;
      }
      const { runCachePurge } = await import('./admin/purge-command.ts');
      const { purged, store, scope } = await runCachePurge({
        type: values.type,
        key: values.key,
        operation: values.operation,
        url: values.url,
        configFile: values.config,
      });
      const where =
        store === 'memory'
          ? ` (memory store: ${scope ?? 'this replica'} only; other replicas keep theirs)`
          : '';
      process.stdout.write(`purged ${purged} cached answer${purged === 1 ? '' : 's'}${where}\n`);
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** Runs the command line `argv` (without node and the script); sets `process.exitCode`. */
export async function runCli(argv: string[], commands: CliCommands = {}): Promise<void> {
  try {
    const code = await main(argv, commands);
    if (code >= 0) process.exitCode = code;
  } catch (error) {
    await report(error);
    process.exitCode = 1;
  }
}

async function report(error: unknown): Promise<void> {
  if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    // Node's message for an unknown option adds advice about positionals that does not apply.
    const message = error.message.replace(/\. To specify a positional argument.*$/s, '');
    process.stderr.write(`gatehouse: ${message}\n\n${USAGE}`);
    return;
  }
  const { GatehouseError } = await import('../core/errors.ts');
  if (error instanceof GatehouseError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else if (isSystemError(error)) {
    // EADDRINUSE, EACCES, ENOENT...: the message says it all; a stack would bury it.
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else {
    process.stderr.write(
      `gatehouse: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
}
