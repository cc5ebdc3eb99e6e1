// The suites' third backend: the product served by the real workerd runtime
// (src/runtime/worker.ts, its Durable Object's SQLite storage as the database), started
// through Miniflare, the engine of `wrangler dev`, with the Worker options wrangler derives
// from wrangler.toml, on the bundle the project's global set-up built (workerBundle.ts),
// on loopback and offline, behind the same Node edge as `npm start`. Each test server has
// its own ports and state. The
// suites also reach into the service from Node (create an API key, read the audit log):
// `assembled` is the Node assembly over the very SQLite file the Durable Object writes,
// with the same secrets, which SQLite's file locking lets both processes use at once. The
// test clock is shared through that file too. What cannot cross the process boundary is
// refused: an injected fetch, chain transport or query hook.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { exportJWK, generateKeyPair } from 'jose';
import { Miniflare } from 'miniflare';
import { generatePrivateKey } from 'viem/accounts';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { loadConfig } from '../../src/config/config.js';
import { randomBytes, toBase64Url } from '../../src/domain/encoding.js';
import { silentLogger } from '../../src/observability/logger.js';
import { assemble } from '../../src/runtime/assemble.js';
import { createNodeServer } from '../../src/runtime/nodeServer.js';
import { STORAGE_CLOCK_TABLE } from '../../src/runtime/storageClock.js';
import { TestBrowser, TestClock, type TestServer } from './server.js';
import { OFFLINE_ENV, WORKER_BUNDLE_DIR } from './workerBundle.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The test clock, shared with the Worker (TEST_CLOCK=storage): each move is written into
 * the Durable Object's database, where its clock reads it (src/runtime/storageClock.ts).
 */
class SharedTestClock extends TestClock {
  private frozen: number | null = null;
  constructor(private readonly database: SQLite.Database) {
    super();
  }
  private publish() {
    this.database
      .prepare(
        `insert into ${STORAGE_CLOCK_TABLE} (id, offset_ms, frozen_at) values (1, ?, ?)
         on conflict (id) do update set offset_ms = excluded.offset_ms, frozen_at = excluded.frozen_at`,
      )
      .run(this.offsetMs, this.frozen);
  }
  override freeze() {
    super.freeze();
    this.frozen = this.now().getTime() - this.offsetMs;
    this.publish();
  }
  override thaw() {
    super.thaw();
    this.frozen = null;
    this.publish();
  }
  override advance(seconds: number) {
    super.advance(seconds);
    this.publish();
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Secrets the Worker and the Node side share, generated for each server as production would pass them. */
async function workerSecrets(): Promise<Record<string, string>> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: `test-${toBase64Url(randomBytes(6))}` };
  return {
    DATA_ENCRYPTION_KEYS: `test1:${toBase64Url(randomBytes(32))}`,
    LOOKUP_HASH_KEY: toBase64Url(randomBytes(32)),
    ATTESTATION_SIGNING_KEYS: JSON.stringify({ keys: [jwk] }),
    ATTESTER_PRIVATE_KEY: generatePrivateKey(),
    LOG_SIGNING_KEY: toBase64Url(randomBytes(32)),
  };
}

// One connection per request from the edge to workerd: workerd closes idle keep-alive
// connections, and a pooled client reusing one at that moment fails the request ("other
// side closed", about once in several thousand requests under load).
const toWorkerd = new Agent({ keepAlive: false });

/** Passes a request on to workerd as it came (Host included) and its answer back. */
async function forward(request: Request, workerdPort: number): Promise<Response> {
  const url = new URL(request.url);
  const body =
    request.method === 'GET' || request.method === 'HEAD'
      ? undefined
      : Buffer.from(await request.arrayBuffer());
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: workerdPort,
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(request.headers),
        agent: toWorkerd,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding') continue;
            for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
          }
          const status = incoming.statusCode ?? 502;
          const empty = status === 204 || status === 304 || request.method === 'HEAD';
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The Durable Object's database file under the state directory (created by its first request). */
function objectDatabase(stateDir: string): string {
  const file = readdirSync(stateDir, { recursive: true, encoding: 'utf8' }).find(
    (name) => name.includes('WalletAttestService') && name.endsWith('.sqlite'),
  );
  if (!file) throw new Error(`No Durable Object database under ${stateDir}`);
  return join(stateDir, file);
}

export async function startWorkerTestServer(
  env: Record<string, string>,
  unsupported: { fetchOverride?: unknown; chainTransport?: unknown; databaseLog?: unknown },
): Promise<TestServer> {
  for (const [name, value] of Object.entries(unsupported)) {
    if (value !== undefined) throw new Error(`The workerd backend cannot take an in-process ${name}`);
  }
  Object.assign(process.env, OFFLINE_ENV);
  const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-worker-'));
  const stateDir = join(dataDir, 'durable-objects');
  const workerdPort = await freePort();
  // Behind the same edge as `npm start` (nodeServer.ts), forwarding to workerd.
  const edge = createNodeServer((request) => forward(request, workerdPort), loadConfig(env).http);
  await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
  const port = (edge.address() as AddressInfo).port;
  const baseUrl = `http://localhost:${port}`;
  const shared = { PUBLIC_URL: baseUrl, LOG_LEVEL: 'error', ...(await workerSecrets()), ...env };
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml'));
  const worker = new Miniflare({
    ...workerOptions,
    modules: true,
    modulesRoot: WORKER_BUNDLE_DIR,
    scriptPath: join(WORKER_BUNDLE_DIR, 'worker.js'),
    bindings: {
      ...workerOptions.bindings,
      ...shared,
      CONTRACT_CHECK: 'enforce',
      TEST_CLOCK: 'storage',
      // As in the Node suites, the tests run background work themselves (through the Node
      // side's services), and the file has one fewer writer to wait for.
      BACKGROUND_ALARM: 'off',
    },
    host: '127.0.0.1',
    port: workerdPort,
    durableObjectsPersist: stateDir,
    cf: false,
  });
  try {
    await worker.ready;
    // The object migrates its storage before it answers; readiness says when that is done.
    const ready = await fetch(`${baseUrl}/readyz`);
    if (ready.status !== 200) throw new Error(`The Worker is not ready: ${await ready.text()}`);
  } catch (error) {
    edge.close();
    await worker.dispose();
    throw error;
  }
  const databaseFile = objectDatabase(stateDir);
  const clockDatabase = new SQLite(databaseFile);
  clockDatabase.pragma('busy_timeout = 5000');
  const clock = new SharedTestClock(clockDatabase);
  const assembled = await assemble(
    loadConfig({ ...shared, DATA_DIR: dataDir, DATABASE_URL: `sqlite:${databaseFile}` }),
    { clock, logger: silentLogger },
  );
  return {
    baseUrl,
    // The Worker enforces the contract itself (CONTRACT_CHECK=enforce): a violating
    // response becomes a 500 there, failing the test that received it.
    contractViolations: [],
    clock,
    assembled,
    dataDir,
    browser: () => new TestBrowser(baseUrl),
    async close() {
      await new Promise<void>((resolve) => edge.close(() => resolve()));
      await assembled.close().catch(() => {});
      clockDatabase.close();
      await worker.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
