/**
 * The registry commands (docs/registry.md):
 *
 *   gatehouse check --name <n> --url <u> --schema <file> [--kind federation|graphql|rest] [--introspect]
 *     [--fail-on breaking|used]
 *   gatehouse publish (the same) [--force] [--author <who>]
 *   gatehouse rollback <name> [--to <version>]
 *   gatehouse subgraphs
 *   gatehouse versions <name>
 *
 * Each acts on a running gateway's admin API (`--admin <url>` or $GATEHOUSE_ADMIN_URL, token in
 * $GATEHOUSE_ADMIN_TOKEN) or on the store itself (`--registry <dir>`, or `--config <file>` with a
 * `registry`). Exit codes: `exit.ts`.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import { GatehouseError } from '../../../core/errors.ts';
import { type CheckReport, formatCheckReport, parseFailOn } from '../check/index.ts';
import { NOT_PUBLISHED } from './admin-client.ts';
import { CliFailure, EXIT } from './exit.ts';
import { introspectSdl } from './introspect.ts';
import { served, subgraphLine, versionLine } from './output.ts';
import { adminTarget, type RegistryTarget, storeTarget } from './targets.ts';

export const REGISTRY_COMMANDS = ['check', 'publish', 'rollback', 'subgraphs', 'versions'] as const;

/** Where every command acts. */
const WHERE = ['admin', 'registry', 'config'];
const ENTRY = ['name', 'url', 'schema', 'kind', 'introspect', 'fail-on'];
/** Per command: the options it takes, and how many positional arguments. */
const COMMANDS: Record<string, { options: string[]; positionals: [number, number] }> = {
  check: { options: ENTRY, positionals: [0, 0] },
  publish: { options: [...ENTRY, 'force', 'author'], positionals: [0, 0] },
  rollback: { options: ['name', 'to', 'author'], positionals: [0, 1] },
  subgraphs: { options: [], positionals: [0, 0] },
  versions: { options: ['name'], positionals: [0, 1] },
};

export const REGISTRY_USAGE = `  gatehouse check --name <n> --url <subgraph url> (--schema <file> | --introspect) [--kind <k>]
      Check a subgraph against the graph: composition errors and breaking changes (with the
      operations they affect, where usage is recorded). Exit 1 when it fails.
  gatehouse publish --name <n> --url <subgraph url> (--schema <file> | --introspect) [--kind <k>] [--force]
      Check, then publish to the registry: the gateway serves it without a restart. Exit 1 when
      refused (--force publishes anyway), or when published but not in service (it does not compose).
  gatehouse rollback <name> [--to <version>]
      Publish again the version before the current one (or version <version>).
  gatehouse subgraphs
      List the subgraphs: source, version in service (and the newest when it is another),
      author, reachable, error.
  gatehouse versions <name>
      List the versions of a registry subgraph kept, newest first: author, date, in service.
      Registry commands act on --admin <url> (a gateway's admin endpoint; $GATEHOUSE_ADMIN_URL;
      token: $GATEHOUSE_ADMIN_TOKEN), or on the store: --registry <dir>, or --config <file>.
      --kind federation|graphql|rest (default federation); --author <who> (default $USER).
      --fail-on breaking|used (check, publish): which breaking changes fail: every one, or only
      those recorded operations use (the default when usage has recorded traffic; docs/usage.md).
      Exit codes: 0 ok; 1 check failed, publish refused or not in service; 2 usage error (bad
      arguments, an entry or schema that is not valid); 3 the gateway, the store or the service
      to introspect could not be reached.
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
  const [command, ...rest] = positionals;
  const accepted = command === undefined ? undefined : COMMANDS[command];
  if (accepted === undefined) throw badArguments(`unknown registry command "${command}"`);
  for (const [option, value] of Object.entries(values))
    if (value !== undefined && !WHERE.includes(option) && !accepted.options.includes(option)) {
      const takers = Object.keys(COMMANDS).filter((c) => COMMANDS[c]!.options.includes(option));
      throw badArguments(
        `--${option} applies to ${takers.length > 0 ? takers.join(', ') : 'no registry command'}, not ${command}`,
      );
    }
  const [, most] = accepted.positionals;
  if (rest.length > most)
    throw badArguments(
      `${command} takes ${most === 0 ? 'no argument' : 'one argument'}; got ${rest.map((r) => JSON.stringify(r)).join(' ')}`,
    );
  const failOn = parseFailOnOption(values['fail-on']);
  const author = values.author ?? env.USER ?? safeUser();
  const entry = command === 'check' || command === 'publish' ? await entryOf(values) : undefined;
  const target = await targetOf(values, env, author);
  try {
    switch (command) {
      case 'check': {
        const report = await target.check(entry, failOn).catch(naming(values));
        process.stdout.write(formatCheckReport(report));
        return report.ok ? EXIT.ok : EXIT.failed;
      }
      case 'publish': {
        const outcome = await target.publish(entry, values.force === true, failOn).catch(naming(values));
        if (outcome.report.changes.length > 0 || !outcome.report.ok)
          process.stdout.write(formatCheckReport(outcome.report));
        if (outcome.version === undefined) {
          process.stderr.write(`gatehouse: ${NOT_PUBLISHED}\n`);
          return EXIT.failed;
        }
        const { name, version } = outcome.version;
        process.stdout.write(`published ${name} version ${version}${served(outcome.inService)}\n`);
        // Forced in, but not served: CI must not go green on a subgraph the graph leaves out.
        // Through a gateway, `inService` says so; on the store, a version that does not compose
        // is one a gateway will not serve.
        const notServed =
          outcome.inService === false ||
          (outcome.inService === undefined && outcome.report.compositionErrors.length > 0);
        if (notServed) {
          process.stderr.write(
            `gatehouse: ${name} version ${version} is published but NOT in service: it does not compose with the rest of the graph, so the gateway keeps serving what it served (see its log and /readyz)\n`,
          );
          return EXIT.failed;
        }
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
        for (const s of await target.list()) process.stdout.write(`${subgraphLine(s)}\n`);
        return EXIT.ok;
      }
      default: {
        const name = rest[0] ?? values.name;
        if (name === undefined) throw usage('versions: name the subgraph: gatehouse versions <name>');
        for (const v of await target.versions(name)) process.stdout.write(`${versionLine(v)}\n`);
        return EXIT.ok;
      }
    }
  } finally {
    await target.close();
  }
}

/** A refused entry (exit 2) says which file it was read from. */
const naming =
  (values: Values) =>
  (error: unknown): never => {
    const bad =
      (error instanceof CliFailure && error.exitCode === EXIT.usage) ||
      (error instanceof GatehouseError && error.code === 'BAD_USER_INPUT');
    if (bad && values.schema !== undefined)
      throw new CliFailure(
        EXIT.usage,
        `${(error as Error).message}\n  (the entry of --schema ${values.schema})`,
      );
    throw error;
  };

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
  try {
    parse(sdl);
  } catch (error) {
    // Not a schema at all: a bad entry (exit 2), not a failed check.
    throw usage(`${values.schema ?? `--introspect ${url}`}: ${(error as Error).message}`);
  }
  return { name, kind, url, sdl };
}

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

/** Arguments the commands do not take: said, with the usage. */
function badArguments(message: string): CliFailure {
  return new CliFailure(EXIT.usage, `${message}\n\n${REGISTRY_USAGE}`);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
