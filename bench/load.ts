// One load scenario in its own process: autocannon against 127.0.0.1, a warm-up run,
// then a measured run of fixed duration. Each request's path and body are drawn at
// random from the spec's lists. Latencies are taken from every response (with
// sub-millisecond resolution, 2xx or not), status codes counted; the result is one JSON
// line on stdout.
//   node --import tsx bench/load.ts <spec.json>
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string; // origin, http://127.0.0.1:<port>
  method: 'GET' | 'POST';
  paths: string[];
  bodies?: string[];
  headers?: Record<string, string>;
  /** Send If-None-Match with the newest ETag seen (it changes when the list is re-signed). */
  ifNoneMatch?: boolean;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  timeoutSeconds?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Responses whose status was not the expected class (2xx, or 304 with ifNoneMatch). */
  unexpected: number;
  durationSeconds: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// Shared by the warm-up and the measured run, so the measured run starts with a known ETag.
let etag: string | undefined;

async function once(spec: LoadSpec, seconds: number, record: boolean): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statusCodes: Record<string, number> = {};
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
  const baseHeaders = { ...(spec.headers ?? {}) };
  if (spec.bodies) baseHeaders['content-type'] = 'application/json';
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: spec.timeoutSeconds ?? 10,
    requests: [
      {
        method: spec.method,
        setupRequest: (request) => {
          request.path = pick(spec.paths);
          const headers: Record<string, string> = { ...baseHeaders };
          if (spec.ifNoneMatch && etag) headers['if-none-match'] = etag;
          request.headers = headers;
          if (spec.bodies) request.body = pick(spec.bodies);
          return request;
        },
        ...(spec.ifNoneMatch
          ? {
              onResponse: (
                _status: number,
                _body: string,
                _context: unknown,
                headers?: Record<string, unknown>,
              ) => {
                const value = headers?.etag ?? headers?.ETag;
                if (typeof value === 'string') etag = value;
              },
            }
          : {}),
      },
    ],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (!record) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const sorted = latencies.slice(0, count).sort();
  const expected = (code: number) =>
    spec.ifNoneMatch ? code === 304 || code === 200 : code >= 200 && code < 300;
  const unexpected = Object.entries(statusCodes)
    .filter(([code]) => !expected(Number(code)))
    .reduce((sum, [, n]) => sum + n, 0);
  const elapsed = result.duration || seconds;
  return {
    requests: count,
    rps: count / elapsed,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    unexpected,
    durationSeconds: elapsed,
  };
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.url)) throw new Error(`loopback only: ${spec.url}`);
if (spec.warmupSeconds > 0) await once(spec, spec.warmupSeconds, false);
const result = await once(spec, spec.durationSeconds, true);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
