// Two service instances on one PostgreSQL database, as behind a load balancer: each is the
// whole product (assembled as `npm start` does, with its own pool, caches, rate limiter
// and change listener), both share the database, the keys under DATA_DIR and PUBLIC_URL.
import { Socket } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';

export interface InstancePair {
  a: TestServer;
  b: TestServer;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface InstancePairOptions {
  /** b's way to the database (e.g. the same database through a relay). */
  bDatabaseUrl?: (url: string) => string;
  /** Settings of b's alone. */
  bEnv?: Record<string, string>;
}

/** `b` gets `a`'s database, keys and public URL; `env` goes to both. */
export async function startInstancePair(
  env: Record<string, string> = {},
  { bDatabaseUrl, bEnv = {} }: InstancePairOptions = {},
): Promise<InstancePair> {
  const a = await startTestServer(env);
  const database = a.assembled.services.config.database;
  if (database.kind !== 'postgres') throw new Error('Several instances share a PostgreSQL database');
  try {
    const b = await startTestServer({
      ...env,
      DATABASE_URL: bDatabaseUrl ? bDatabaseUrl(database.url) : database.url,
      DATA_DIR: a.dataDir,
      PUBLIC_URL: a.baseUrl,
      ...bEnv,
    });
    return {
      a,
      b,
      databaseUrl: database.url,
      async close() {
        await b.close();
        await a.close();
      },
    };
  } catch (error) {
    await a.close();
    throw error;
  }
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers; CI requires it (.ci/run starts it), elsewhere its suites skip. */
export async function redisReachable(): Promise<boolean> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname, () => done(true));
  });
  if (!reachable && process.env.CI === 'true') throw new Error(`Redis is required in CI (${TEST_REDIS_URL})`);
  if (!reachable)
    console.warn(`Redis is not reachable at ${TEST_REDIS_URL}: skipping the shared rate-limit suite`);
  return reachable;
}

/** The URL of `url`'s server through a relay on 127.0.0.1:`port`. */
export function via(url: string, port: number): string {
  const relayed = new URL(url);
  relayed.host = `127.0.0.1:${port}`;
  return relayed.toString();
}

/** Polls `check` until it holds; returns the milliseconds it took. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`Not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
