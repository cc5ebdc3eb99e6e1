// Starts the real product (assembled exactly as `npm start` does) on a random local port
// with a fresh SQLite file, and a tiny cookie-keeping browser to talk to it over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/domain/clock.js';
import type { ContractViolation } from '../../src/http/middleware/contractCheck.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type AssembledApp, type AssembleOptions, assemble } from '../../src/runtime/assemble.js';
import { createNodeServer } from '../../src/runtime/nodeServer.js';
import { createPostgresDatabase, TEST_POSTGRES_ADMIN_URL } from './postgres.js';

export class TestClock implements Clock {
  offsetMs = 0;
  /** When set, time stands still here (plus any advance): for tests that count tokens. */
  private frozenAt: number | undefined;
  now(): Date {
    return new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  }
  freeze() {
    this.frozenAt = Date.now();
  }
  thaw() {
    this.frozenAt = undefined;
  }
  advance(seconds: number) {
    this.offsetMs += seconds * 1000;
  }
}

export interface TestServer {
  baseUrl: string;
  /** Responses that broke the published contract (each also turned into a 500). */
  contractViolations: ContractViolation[];
  clock: TestClock;
  assembled: AssembledApp;
  dataDir: string;
  browser(): TestBrowser;
  close(): Promise<void>;
}

/**
 * Set TEST_DATABASE=postgres to run a suite against PostgreSQL (a fresh database per server),
 * TEST_DATABASE=workerd to run it against the Worker in workerd (workerServer.ts).
 */
export { TEST_POSTGRES_ADMIN_URL };

/**
 * The suite talks to the Worker in workerd: the service objects in this process share its
 * database, not its memory (caches, buffers, the key file), so a test about those skips.
 */
export const againstWorkerd = process.env.TEST_DATABASE === 'workerd';

export async function startTestServer(
  env: Record<string, string> = {},
  fetchOverride?: typeof fetch,
  chainTransport?: AssembleOptions['chainTransport'],
  /** Kysely's query log hook on the service's database (the query-plan test records statements). */
  databaseLog?: AssembleOptions['databaseLog'],
): Promise<TestServer> {
  if (process.env.TEST_DATABASE === 'workerd') {
    // Loaded here: it builds on this module's TestClock and TestBrowser.
    const { startWorkerTestServer } = await import('./workerServer.js');
    return startWorkerTestServer(env, { fetchOverride, chainTransport, databaseLog });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-test-'));
  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  // Behind the same edge as `npm start` (timeouts, connection cap, keep-alive rules).
  const server = createNodeServer((request: Request) => handler(request), loadConfig(env).http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // A DATABASE_URL given by the suite (a second instance on another's database) is used as it is.
  const postgres =
    process.env.TEST_DATABASE === 'postgres' && env.DATABASE_URL === undefined
      ? await createPostgresDatabase()
      : undefined;
  const config = loadConfig({
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...env,
  });
  const clock = new TestClock();
  const contractViolations: ContractViolation[] = [];
  const assembled = await assemble(config, {
    // Every suite doubles as a contract test: a response that does not match its
    // published schema becomes a 500, failing whichever test received it.
    onContractViolation: (violation) => {
      contractViolations.push(violation);
      if (process.env.CONTRACT_DEBUG) console.error(JSON.stringify(violation));
      throw new Error(`Contract violation: ${JSON.stringify(violation)}`);
    },
    clock,
    logger: silentLogger,
    ...(fetchOverride ? { fetch: fetchOverride } : {}),
    ...(chainTransport ? { chainTransport } : {}),
    ...(databaseLog ? { databaseLog } : {}),
  });
  handler = assembled.app.fetch;
  const baseUrl = `http://localhost:${port}`;
  return {
    baseUrl,
    contractViolations,
    clock,
    assembled,
    dataDir,
    browser: () => new TestBrowser(baseUrl),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await assembled.close().catch(() => {});
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RequestOptions {
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** The Origin header a browser would send; `null` sends none. Defaults to the server's origin. */
  origin?: string | null;
}

/** Keeps cookies like a browser (per name, honouring deletions) and sends Origin on non-GET requests. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const origin = options.origin === undefined ? this.baseUrl : options.origin;
    if (method !== 'GET' && origin !== null) headers.origin = origin;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.storeCookie(line);
    return response;
  }

  private storeCookie(line: string) {
    const [pair, ...attributes] = line.split(';');
    const [name, ...rest] = pair!.split('=');
    const value = rest.join('=');
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
    if (expired) this.cookies.delete(name!.trim());
    else this.cookies.set(name!.trim(), value);
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }
  post(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.request('POST', path, { ...options, ...(json === undefined ? {} : { json }) });
  }

  /** Follows redirects within the test server, as a browser navigation would. */
  async navigate(path: string, maxHops = 10): Promise<Response> {
    let response = await this.get(path);
    for (let hop = 0; hop < maxHops && response.status >= 300 && response.status < 400; hop++) {
      const location = response.headers.get('location')!;
      response = await this.get(new URL(location, this.baseUrl).toString());
    }
    return response;
  }
}
