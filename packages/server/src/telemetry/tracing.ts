import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { type AttributeValue, type ExporterOptions, type FinishedSpan, OtlpExporter } from './otlp.ts';

/**
 * Optional OpenTelemetry traces (docs/operations.md, "Traces"): when OTEL_EXPORTER_OTLP_ENDPOINT is set,
 * every HTTP request and every job (a workflow run is one) is a trace, and every outgoing HTTP call made
 * through undici (iManage, Microsoft Graph, token endpoints: connectors need no change) is a client span
 * of the trace it was made in, found through AsyncLocalStorage. Attributes name methods, routes, hosts,
 * statuses and queue names only; the path of an outgoing call (which may hold a document's name or id)
 * only with LEXBRIDGE_TRACE_DETAILS=true. Never a query string, header, token or body.
 */
interface Context {
  traceId: string;
  spanId: string;
}

const current = new AsyncLocalStorage<Context>();
let exporter: OtlpExporter | undefined;
let details = false;
let subscribed = false;

export class Span {
  readonly context: Context;
  private readonly startNs = process.hrtime.bigint();
  private readonly startUnixNs = BigInt(Date.now()) * 1_000_000n;
  private ended = false;

  constructor(
    public name: string,
    private readonly kind: FinishedSpan['kind'],
    readonly attributes: Record<string, AttributeValue>,
    private readonly parent: Context | undefined,
  ) {
    this.context = {
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
    };
  }

  end(status: FinishedSpan['status'] = 0): void {
    if (this.ended || !exporter) return;
    this.ended = true;
    exporter.add({
      ...this.context,
      ...(this.parent ? { parentSpanId: this.parent.spanId } : {}),
      name: this.name,
      kind: this.kind,
      startNs: this.startUnixNs,
      endNs: this.startUnixNs + (process.hrtime.bigint() - this.startNs),
      attributes: this.attributes,
      status,
    });
  }
}

export function tracingEnabled(): boolean {
  return exporter !== undefined;
}

/** A span in the current trace (a new trace when there is none), or undefined while tracing is off. */
export function startSpan(
  name: string,
  kind: FinishedSpan['kind'],
  attributes: Record<string, AttributeValue> = {},
  options: { root?: boolean } = {},
): Span | undefined {
  if (!exporter) return undefined;
  return new Span(name, kind, attributes, options.root ? undefined : current.getStore());
}

/** Runs `fn` as the current span `span` (calls made inside become its children). */
export function runInSpan<T>(span: Span | undefined, fn: () => T): T {
  return span ? current.run(span.context, fn) : fn();
}

/** Makes `span` current for the rest of this asynchronous flow (a request's later hooks and handler). */
export function enterSpan(span: Span | undefined): void {
  if (span) current.enterWith(span.context);
}

/** A trace of its own for `fn` (a job), ended with its outcome. */
export async function withRootSpan<T>(
  name: string,
  attributes: Record<string, AttributeValue>,
  fn: () => Promise<T>,
): Promise<T> {
  const span = startSpan(name, 1, attributes, { root: true });
  if (!span) return fn();
  try {
    const result = await current.run(span.context, fn);
    span.end(1);
    return result;
  } catch (err) {
    span.end(2);
    throw err;
  }
}

// Outgoing calls: undici publishes each request's life on these channels (npm undici and Node's fetch).
interface UndiciRequest {
  origin: string | URL;
  method: string;
  path: string;
}
const outgoing = new WeakMap<object, Span>();

function onCreate(message: unknown): void {
  const { request } = message as { request: UndiciRequest };
  if (!exporter || !current.getStore()) return;
  const origin = new URL(String(request.origin));
  const attributes: Record<string, AttributeValue> = {
    'http.request.method': request.method,
    'server.address': origin.hostname,
    'server.port': Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)),
  };
  if (details) attributes['url.path'] = request.path.split('?')[0] ?? '';
  const span = startSpan(`${request.method} ${origin.hostname}`, 3, attributes);
  if (span) outgoing.set(request, span);
}

function onHeaders(message: unknown): void {
  const { request, response } = message as { request: object; response: { statusCode: number } };
  const span = outgoing.get(request);
  if (!span) return;
  span.attributes['http.response.status_code'] = response.statusCode;
  span.end(response.statusCode >= 500 ? 2 : 0);
  outgoing.delete(request);
}

function onError(message: unknown): void {
  const { request, error } = message as { request: object; error: Error };
  const span = outgoing.get(request);
  if (!span) return;
  span.attributes['error.type'] = (error as NodeJS.ErrnoException).code ?? error.name;
  span.end(2);
  outgoing.delete(request);
}

const channels = [
  ['undici:request:create', onCreate],
  ['undici:request:headers', onHeaders],
  ['undici:request:error', onError],
] as const;

/** Starts exporting; returns how to stop (flushing what is pending). */
export function startTracing(options: ExporterOptions & { details: boolean }): { stop(): Promise<void> } {
  const mine = new OtlpExporter(options);
  exporter = mine;
  details = options.details;
  if (!subscribed) for (const [name, fn] of channels) diagnostics.subscribe(name, fn);
  subscribed = true;
  return {
    async stop() {
      if (exporter === mine) {
        for (const [name, fn] of channels) diagnostics.unsubscribe(name, fn);
        subscribed = false;
        exporter = undefined;
      }
      await mine.stop();
    },
  };
}
