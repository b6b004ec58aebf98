/**
 * The `gatehouse` command line:
 *
 *   gatehouse [start] [--config <file>] [--supergraph <file>] [--host <addr>] [--port <n>]
 *   gatehouse compose [--config <file>] [--output <file>]
 *   gatehouse demo [--port <n>]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GatehouseError } from './errors/index.ts';
import { runCompose, runDemo, runStart } from './main.ts';

const USAGE = `Usage:
  gatehouse [start] [--config <file>] [--supergraph <file>] [--host <addr>] [--port <n>]
      Start the gateway. Without --config, gatehouse.config.{ts,mjs,js,yaml,yml,json} in the
      working directory is used; --supergraph serves a composed supergraph SDL file as is
      (with --config too, the config's REST and plain GraphQL subgraphs run in the gateway).
  gatehouse compose [--config <file>] [--output <file>]
      Load every subgraph and print the composed supergraph SDL, or the composition errors
      (exit code 1).
  gatehouse demo [--port <n>]
      Start the demo backends on loopback and the gateway in front of them (what npm start runs).

Options:
  -c, --config <file>      configuration file
  -s, --supergraph <file>  supergraph SDL file to serve
  -H, --host <addr>        address to listen on (overrides server.host)
  -p, --port <n>           port to listen on (overrides server.port)
  -o, --output <file>      with compose: write the supergraph here instead of stdout
  -h, --help               show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      supergraph: { type: 'string', short: 's' },
      host: { type: 'string', short: 'H' },
      port: { type: 'string', short: 'p' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = positionals[0] ?? 'start';
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    throw new GatehouseError('CONFIG_INVALID', `--port must be a number, got "${values.port}"`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  switch (command) {
    case 'start':
      await runStart({
        configFile: values.config,
        supergraphFile: values.supergraph,
        host: values.host,
        port,
      });
      return -1; // keeps running
    case 'demo':
      await runDemo({ host: values.host, port });
      return -1;
    case 'compose': {
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
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (error instanceof GatehouseError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`gatehouse: ${error.message}\n\n${USAGE}`);
  } else if (isSystemError(error)) {
    // EADDRINUSE, EACCES, ENOENT...: the message says it all; a stack would bury it.
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else {
    process.stderr.write(
      `gatehouse: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = 1;
}
