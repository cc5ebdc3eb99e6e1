// PostgreSQL for the suites: scratch databases on the test server, and a TCP relay in
// front of it that a test can cut and restore (the database "going away": a restart, a
// network fault) while the service under test keeps running.
import pg from 'pg';
import { type TcpRelay, tcpRelay } from './tcpRelay.js';

export type { TcpRelay };

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

/** A relay on 127.0.0.1 to the PostgreSQL server of TEST_POSTGRES_ADMIN_URL. */
export function postgresRelay(): Promise<TcpRelay> {
  const target = new URL(TEST_POSTGRES_ADMIN_URL);
  return tcpRelay(target.hostname, Number(target.port || 5432));
}
