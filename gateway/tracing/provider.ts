/**
 * The tracer provider built from the `tracing` config: the OpenTelemetry SDK's
 * `BasicTracerProvider` with a parent-based ratio sampler, the `service.name` resource, and the
 * configured exporters (OTLP/HTTP in batches, the console span by span). The SDK packages are
 * optional peers, imported only here and only when the config asks for an exporter; when one is
 * missing, startup fails with CONFIG_INVALID naming what to install. The provider is not
 * registered globally: the gateway asks it for its tracer.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { GatehouseError } from '../../core/errors.ts';
import { readSecret } from '../config/secret.ts';
import type { TracingConfig } from '../config/tracing-schema.ts';

type SdkModule = typeof import('@opentelemetry/sdk-trace-base');
type ResourcesModule = typeof import('@opentelemetry/resources');
type OtlpModule = typeof import('@opentelemetry/exporter-trace-otlp-http');

/** Imports a package by name; the default is the runtime's `import()`. */
export type ImportModule = (specifier: string) => Promise<unknown>;

/** A provider the gateway built and so flushes and shuts down when it closes. */
export interface OwnedTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const SDK = '@opentelemetry/sdk-trace-base';
const RESOURCES = '@opentelemetry/resources';
const OTLP = '@opentelemetry/exporter-trace-otlp-http';

// Spans wait at most this long before their batch is exported.
const BATCH_DELAY = 5_000; // 5 s

/**
 * The OTLP exporter's headers, their secrets read from the environment; throws CONFIG_INVALID
 * naming an unset variable. Synchronous, so a gateway with one unset never starts loading.
 */
export function otlpHeaders(config: TracingConfig, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, secret] of Object.entries(config.exporter.otlp?.headers ?? {})) {
    const value = readSecret(secret, env);
    if (value === undefined) {
      throw new GatehouseError('CONFIG_INVALID', `tracing.exporter.otlp.headers.${name}: no value`, [
        `the environment variable ${typeof secret === 'string' ? '' : secret.env} is unset or empty; set it, or remove the header`,
      ]);
    }
    headers[name] = value;
  }
  return headers;
}

export async function loadTracerProvider(
  config: TracingConfig,
  env: NodeJS.ProcessEnv,
  importModule: ImportModule = (specifier) => import(specifier),
): Promise<OwnedTracerProvider> {
  const otlp = config.exporter.otlp;
  // Before any import: an unset header variable is a config error whatever is installed.
  const headers = otlpHeaders(config, env);
  const wanted = otlp === undefined ? [SDK, RESOURCES] : [SDK, RESOURCES, OTLP];
  const missing: string[] = [];
  const loaded = await Promise.all(
    wanted.map((name) =>
      importModule(name).catch((error: unknown) => {
        if (!isModuleNotFound(error)) throw error;
        missing.push(name);
        return undefined;
      }),
    ),
  );
  if (missing.length > 0) {
    throw new GatehouseError('CONFIG_INVALID', 'tracing: the OpenTelemetry SDK packages are not installed', [
      `missing: ${missing.join(', ')}`,
      `install them beside gatehouse (npm install ${missing.join(' ')}), or set tracing.enabled: false`,
    ]);
  }
  const sdk = loaded[0] as SdkModule;
  const resources = loaded[1] as ResourcesModule;
  const spanProcessors = [];
  if (otlp !== undefined) {
    const { OTLPTraceExporter } = loaded[2] as OtlpModule;
    const exporter = new OTLPTraceExporter({ url: otlp.endpoint, headers, timeoutMillis: otlp.timeout });
    spanProcessors.push(
      new sdk.BatchSpanProcessor(exporter, {
        scheduledDelayMillis: BATCH_DELAY,
        exportTimeoutMillis: otlp.timeout,
      }),
    );
  }
  if (config.exporter.console) {
    spanProcessors.push(new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter()));
  }
  return new sdk.BasicTracerProvider({
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ 'service.name': config.serviceName })),
    // A client's sampled trace is followed; the others are drawn at `sampleRatio`.
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors,
  });
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
