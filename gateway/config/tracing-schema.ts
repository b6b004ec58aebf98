/**
 * The `tracing` section (the tracing room, `gateway/tracing/`): OpenTelemetry spans for each
 * operation (parse, validate, plan, execute) and each subgraph call, the W3C trace context in and
 * out, and where the spans go (an OTLP/HTTP collector, or the console). docs/tracing.md says
 * what each span holds.
 */
import { z } from 'zod';
import { duration } from './duration.ts';
import { secretValue } from './secret.ts';

/** Where the OTLP exporter sends spans when no endpoint is set: a collector on this machine. */
export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318/v1/traces';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const otlpSchema = z
  .strictObject({
    endpoint: z
      .url({
        protocol: /^https?$/,
        error: 'must be an http:// or https:// URL, e.g. http://collector:4318/v1/traces',
      })
      .default(DEFAULT_OTLP_ENDPOINT)
      .describe('The collector URL spans are POSTed to (OTLP over HTTP, JSON bodies), path included'),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'must be an HTTP header name'),
        secretValue('The value of the header (an API key of a tracing vendor)'),
      )
      .default({})
      .describe('Headers sent with every export, e.g. `{ x-api-key: { env: TRACING_KEY } }`'),
    timeout: duration('Most time one export may take').default(10_000),
  })
  .describe(
    'Export spans to an OpenTelemetry collector over OTLP/HTTP, in batches (needs the packages @opentelemetry/sdk-trace-base, @opentelemetry/resources and @opentelemetry/exporter-trace-otlp-http)',
  );

export const tracingSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Record spans and send them to `exporter` (off by default; it needs an exporter)'),
    serviceName: z
      .string()
      .min(1)
      .default('gatehouse')
      .describe('The `service.name` of the spans, how the gateway is named in the tracing backend'),
    sampleRatio: z
      .number()
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .default(1)
      .describe(
        'Share of operations recorded (0 to 1) when the client sent no trace context; a client `traceparent` is followed (sampled or not)',
      ),
    propagate: z
      .boolean()
      .default(true)
      .describe(
        "Send each subgraph call a `traceparent` naming its span (false: the client's own `traceparent` is forwarded, as with tracing off)",
      ),
    includeDocument: z
      .boolean()
      .default(false)
      .describe(
        'Put the text of the operation in `graphql.document` (it may hold literal values a client typed); off: only its SHA-256 in `graphql.document.hash`',
      ),
    exporter: z
      .strictObject({
        otlp: otlpSchema.optional(),
        console: z
          .boolean()
          .default(false)
          .describe('Print each span to standard output as it ends (for debugging; not for production)'),
      })
      .prefault({})
      .describe('Where spans go: `otlp`, `console`, or both'),
  })
  .superRefine((tracing, ctx) => {
    if (tracing.enabled && tracing.exporter.otlp === undefined && !tracing.exporter.console)
      ctx.addIssue({
        code: 'custom',
        path: ['exporter'],
        message:
          'names no exporter while `enabled` is true: add `otlp: { endpoint: http://collector:4318/v1/traces }` (or `console: true` to debug)',
      });
  })
  .describe('OpenTelemetry tracing (docs/tracing.md)');

export type TracingConfig = z.output<typeof tracingSchema>;
