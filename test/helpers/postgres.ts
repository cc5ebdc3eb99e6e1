// PostgreSQL for the suites: scratch databases on the test server, and a TCP relay in
// front of it that a test can cut and restore (the database "going away": a restart, a
// network fault) while the service under test keeps running.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import pg from 'pg';

/** Set TEST_POSTGRES_URL to use another server; `npm test` uses the local one. */
export const TEST_POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `work` on a fresh administrative connection. */
export async function asPostgresAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** The URL through another host and port (a relay in front of the server). */
  urlVia(host: string, port: number): string;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(prefix = 'wa_test'): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await asPostgresAdmin((client) => client.query(`create database ${name}`));
  const urlVia = (host: string, port: number) => {
    const url = new URL(TEST_POSTGRES_ADMIN_URL);
    url.host = `${host}:${port}`;
    url.pathname = `/${name}`;
    return url.toString();
  };
  const admin = new URL(TEST_POSTGRES_ADMIN_URL);
  return {
    name,
    url: urlVia(admin.hostname, Number(admin.port || 5432)),
    urlVia,
    async drop() {
      await asPostgresAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

export interface TcpRelay {
  port: number;
  /** Connections refused since the last `shut()`: how often the service tried meanwhile. */
  readonly refused: number;
  /** Drops every relayed connection and refuses new ones until `open()`. */
  shut(): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
}

/** A relay on 127.0.0.1 to the PostgreSQL server of TEST_POSTGRES_ADMIN_URL. */
export async function postgresRelay(): Promise<TcpRelay> {
  const target = new URL(TEST_POSTGRES_ADMIN_URL);
  const sockets = new Set<Socket>();
  let shut = false;
  let refused = 0;
  const server = createServer((client) => {
    if (shut) {
      refused++;
      client.on('error', () => {});
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get refused() {
      return refused;
    },
    async shut() {
      shut = true;
      refused = 0;
      for (const socket of sockets) socket.destroy();
    },
    async open() {
      shut = false;
    },
    async close() {
      shut = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
