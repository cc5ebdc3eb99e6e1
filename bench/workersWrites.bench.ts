// Write models for the Workers backend, measured in workerd (Miniflare, local storage):
// the same unit of work (audit tail read, Web Crypto hash, state row + audit entry written
// atomically) through a write-serialising Durable Object on its SQLite storage, and as a
// read followed by a guarded D1 batch retried on conflict. Run:
//   npx tsx bench/workersWrites.bench.ts [units per run, default 600]
// Prints units/s, latency percentiles and retries at 1 and 20 concurrent clients, then
// checks that both audit chains are whole. Local storage has no network between the
// Worker and D1, so on Cloudflare every D1 round trip (and so every retry) costs more.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const units = Number(process.argv[2] ?? 600);
const { outputFiles } = await build({
  entryPoints: [join(import.meta.dirname, 'workersWrites.worker.ts')],
  bundle: true,
  format: 'esm',
  write: false,
  external: ['cloudflare:workers'],
});
const state = mkdtempSync(join(tmpdir(), 'workers-writes-'));
const worker = new Miniflare({
  modules: true,
  script: outputFiles[0]!.text,
  compatibilityDate: '2026-03-01',
  durableObjects: { WRITER: { className: 'WriteSerialiser', useSQLite: true } },
  d1Databases: ['DB'],
  durableObjectsPersist: join(state, 'do'),
  d1Persist: join(state, 'd1'),
  cf: false,
});
const base = (await worker.ready).toString().replace(/\/$/, '');

// A connection per request: workerd closes idle keep-alive connections that fetch's pool
// would otherwise reuse at the moment they close ("other side closed") under load.
const agent = new Agent({ keepAlive: false });
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

async function load(path: string, concurrency: number) {
  let next = 0;
  let retries = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < units) {
        const i = next++;
        const sent = performance.now();
        const { status, body } = await get(`${base}/${path}?id=${path}-${i % 50}`);
        if (status !== 200) throw new Error(`${path}: ${status} ${body}`);
        retries += (JSON.parse(body) as { retries: number }).retries;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(1);
  return {
    model: path,
    concurrency,
    unitsPerSecond: Math.round(units / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    retries,
  };
}

try {
  await get(`${base}/setup`);
  const results = [];
  for (const concurrency of (process.env.BENCH_CONCURRENCY ?? '1,20').split(',').map(Number)) {
    for (const model of ['object', 'd1']) results.push(await load(model, concurrency));
  }
  console.table(results);
  for (const model of ['object', 'd1']) {
    console.log(`audit chain (${model}):`, (await get(`${base}/chain/${model}`)).body);
  }
} finally {
  await worker.dispose();
  rmSync(state, { recursive: true, force: true });
}
