/**
 * The registry commands (docs/registry.md):
 *
 *   gatehouse check --name <n> --url <u> --schema <file> [--kind federation|graphql|rest] [--introspect]
 *     [--fail-on breaking|used]
 *   gatehouse publish (the same) [--force] [--author <who>]
 *   gatehouse rollback <name> [--to <version>]
 *   gatehouse subgraphs
 *
 * Each acts on a running gateway's admin API (`--admin <url>` or $GATEHOUSE_ADMIN_URL, token in
 * $GATEHOUSE_ADMIN_TOKEN) or on the store itself (`--registry <dir>`, or `--config <file>` with a
 * `registry`). Exit codes: `exit.ts`.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { GatehouseError } from '../../../core/errors.ts';
import { type CheckReport, formatCheckReport, parseFailOn } from '../check/index.ts';
import { CliFailure, EXIT } from './exit.ts';
import { introspectSdl } from './introspect.ts';
import { adminTarget, type RegistryTarget, storeTarget } from './targets.ts';

export const REGISTRY_COMMANDS = ['check', 'publish', 'rollback', 'subgraphs'] as const;

export const REGISTRY_USAGE = `  gatehouse check --name <n> --url <subgraph url> (--schema <file> | --introspect) [--kind <k>]
      Check a subgraph against the graph: composition errors and breaking changes (with the
      operations they affect, where usage is recorded). Exit 1 when it fails.
  gatehouse publish --name <n> --url <subgraph url> (--schema <file> | --introspect) [--kind <k>] [--force]
      Check, then publish to the registry: the gateway serves it without a restart. Exit 1 when
      refused (--force publishes anyway).
  gatehouse rollback <name> [--to <version>]
      Publish again the version before the current one (or version <version>).
  gatehouse subgraphs
      List the subgraphs: version, author, in service, reachable.
      Registry commands act on --admin <url> (a gateway's admin endpoint; $GATEHOUSE_ADMIN_URL;
      token: $GATEHOUSE_ADMIN_TOKEN), or on the store: --registry <dir>, or --config <file>.
      --kind federation|graphql|rest (default federation); --author <who> (default $USER).
      --fail-on breaking|used (check, publish): which breaking changes fail: every one, or only
      those recorded operations use (the default when usage has recorded traffic; docs/usage.md).
      Exit codes: 0 ok, 1 check failed or publish refused, 2 usage error, 3 gateway or store unreachable.
`;

/** Runs one registry command; answers its exit code. */
export async function runRegistryCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    return await run(argv, env);
  } catch (error) {
    if (error instanceof CliFailure) {
      if (error.report !== undefined) process.stdout.write(formatCheckReport(error.report as CheckReport));
      process.stderr.write(`gatehouse: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(
        `gatehouse: ${error.message.replace(/\. To specify a positional argument.*$/s, '')}\n\n${REGISTRY_USAGE}`,
      );
      return EXIT.usage;
    }
    if (error instanceof GatehouseError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      if (error.code === 'REGISTRY_UNAVAILABLE') return EXIT.unreachable;
      if (error.code === 'NOT_FOUND') return EXIT.failed;
      return EXIT.usage;
    }
    throw error;
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      url: { type: 'string' },
      schema: { type: 'string' },
      kind: { type: 'string' },
      introspect: { type: 'boolean' },
      force: { type: 'boolean' },
      author: { type: 'string' },
      to: { type: 'string' },
      admin: { type: 'string' },
      registry: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'fail-on': { type: 'string' },
    },
  });
  const failOn = parseFailOnOption(values['fail-on']);
  const [command, ...rest] = positionals;
  const author = values.author ?? env.USER ?? safeUser();
  const target = await targetOf(values, env, author);
  try {
    switch (command) {
      case 'check': {
        const report = await target.check(await entryOf(values), failOn);
        process.stdout.write(formatCheckReport(report));
        return report.ok ? EXIT.ok : EXIT.failed;
      }
      case 'publish': {
        const outcome = await target.publish(await entryOf(values), values.force === true, failOn);
        if (outcome.report.changes.length > 0 || !outcome.report.ok)
          process.stdout.write(formatCheckReport(outcome.report));
        if (outcome.version === undefined) {
          process.stderr.write('gatehouse: not published: the check failed (--force publishes anyway)\n');
          return EXIT.failed;
        }
        process.stdout.write(
          `published ${outcome.version.name} version ${outcome.version.version}${served(outcome.inService)}\n`,
        );
        return EXIT.ok;
      }
      case 'rollback': {
        const name = rest[0] ?? values.name;
        if (name === undefined)
          throw usage('rollback: name the subgraph: gatehouse rollback <name> [--to <version>]');
        const to = values.to === undefined ? undefined : Number(values.to);
        if (to !== undefined && !(Number.isInteger(to) && to >= 1))
          throw usage(`--to must be a version number, got "${values.to}"`);
        const { version, inService } = await target.rollback(name, to);
        process.stdout.write(
          `${name}: version ${version.version} restores version ${version.restoredFrom}${served(inService)}\n`,
        );
        return EXIT.ok;
      }
      case 'subgraphs': {
        for (const s of await target.list()) {
          const facts = [
            s.source,
            s.version !== undefined && `v${s.version} by ${s.author} at ${s.publishedAt}`,
            s.inService !== undefined && (s.inService ? 'in service' : 'not in service'),
            s.reachable === false && 'unreachable',
            s.error,
          ].filter(Boolean);
          process.stdout.write(`${s.name}\t${facts.join('; ')}\n`);
        }
        return EXIT.ok;
      }
      default:
        throw usage(`unknown registry command "${command}"`);
    }
  } finally {
    await target.close();
  }
}

type Values = Record<string, string | boolean | undefined>;

async function targetOf(values: Values, env: NodeJS.ProcessEnv, author: string): Promise<RegistryTarget> {
  const admin = (values.admin as string | undefined) ?? (env.GATEHOUSE_ADMIN_URL || undefined);
  if (admin !== undefined) {
    const token = env.GATEHOUSE_ADMIN_TOKEN;
    if (!token) throw usage('set GATEHOUSE_ADMIN_TOKEN to the admin token of the gateway at --admin');
    return adminTarget(admin, token, author);
  }
  if (values.registry === undefined && values.config === undefined)
    throw usage('say where: --admin <gateway admin url>, --registry <dir>, or --config <file>');
  return storeTarget({
    directory: values.registry as string | undefined,
    configFile: values.config as string | undefined,
    author,
  });
}

/** The entry the options describe: its SDL from --schema, or from the running service (--introspect). */
async function entryOf(values: Values): Promise<Record<string, unknown>> {
  const { name, url } = values as { name?: string; url?: string };
  const kind = (values.kind as string | undefined) ?? 'federation';
  if (name === undefined || url === undefined) throw usage('--name and --url are needed');
  if (!['federation', 'graphql', 'rest'].includes(kind))
    throw usage(`--kind must be federation, graphql or rest, got "${kind}"`);
  if ((values.schema === undefined) === (values.introspect !== true))
    throw usage('give the schema: --schema <file> or --introspect (one of them)');
  let sdl: string;
  if (values.schema !== undefined) {
    try {
      sdl = await readFile(values.schema as string, 'utf8');
    } catch (error) {
      throw usage(`cannot read --schema ${values.schema}: ${(error as Error).message}`);
    }
  } else {
    if (kind === 'rest')
      throw usage('--introspect works for GraphQL services; a REST subgraph needs --schema');
    sdl = await introspectSdl(url, kind as 'federation' | 'graphql');
  }
  return { name, kind, url, sdl };
}

const served = (inService: boolean | undefined) =>
  inService === undefined
    ? ''
    : inService
      ? ' (in service)'
      : ' (NOT in service: see the gateway log and /readyz)';

function parseFailOnOption(value: string | undefined) {
  try {
    return parseFailOn(value, '--fail-on');
  } catch (error) {
    throw usage((error as Error).message);
  }
}

function usage(message: string): CliFailure {
  return new CliFailure(EXIT.usage, message);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
