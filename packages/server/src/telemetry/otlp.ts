import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A small OTLP/HTTP JSON exporter for traces: spans are batched and POSTed to `<endpoint>/v1/traces`
 * (OTEL_EXPORTER_OTLP_ENDPOINT, as the OpenTelemetry specification defines it). Written here rather
 * than taken from @opentelemetry/* (an SDK, a trace base, an exporter and their transitive packages)
 * because Lexbridge needs only this: finished spans out, in the standard wire format, through
 * node:http — so its own requests are never traced by the undici instrumentation.
 */
export type AttributeValue = string | number | boolean;

export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client. */
  kind: 1 | 2 | 3;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: 0 | 1 | 2;
}

export interface ExporterOptions {
  endpoint: string;
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_HEADERS: `key=value` pairs, comma-separated (for a collector's API key). */
  headers?: string;
  onError(err: Error): void;
}

function value(v: AttributeValue) {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

const keyValues = (attributes: Record<string, AttributeValue>) =>
  Object.entries(attributes).map(([key, v]) => ({ key, value: value(v) }));

export function tracesUrl(endpoint: string): URL {
  return new URL(/\/v1\/traces\/?$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`);
}

function parseHeaders(headers: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (headers ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0)
      out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}

export class OtlpExporter {
  private pending: FinishedSpan[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly url: URL;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ExporterOptions) {
    this.url = tracesUrl(options.endpoint);
    this.timer = setInterval(() => void this.flush(), 1000);
    this.timer.unref();
  }

  add(span: FinishedSpan): void {
    this.pending.push(span);
    if (this.pending.length >= 200) void this.flush();
  }

  /** Sends what is pending; resolves when every send so far has ended (failures are reported, not thrown). */
  async flush(): Promise<void> {
    if (this.pending.length > 0) {
      const spans = this.pending.splice(0);
      const sending = this.send(spans).catch((err: Error) => this.options.onError(err));
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
    await Promise.all([...this.inFlight]);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private send(spans: FinishedSpan[]): Promise<void> {
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: keyValues({ 'service.name': this.options.serviceName }) },
          scopeSpans: [
            {
              scope: { name: 'lexbridge' },
              spans: spans.map((s) => ({
                traceId: s.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.name,
                kind: s.kind,
                startTimeUnixNano: String(s.startNs),
                endTimeUnixNano: String(s.endNs),
                attributes: keyValues(s.attributes),
                status: { code: s.status },
              })),
            },
          ],
        },
      ],
    });
    const send = this.url.protocol === 'https:' ? httpsRequest : request;
    return new Promise((resolve, reject) => {
      const req = send(
        this.url,
        {
          method: 'POST',
          headers: {
            ...parseHeaders(this.options.headers),
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode && res.statusCode < 300
              ? resolve()
              : reject(new Error(`the OTLP endpoint ${this.url.origin} answered ${res.statusCode}`)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`the OTLP endpoint ${this.url.origin} did not answer`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
