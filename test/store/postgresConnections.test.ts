// PostgreSQL closing the service's pooled connections (a restart, an administrator's
// pg_terminate_backend) must not end the process: the pool reports it as an 'error' event,
// which unhandled would be an uncaught exception. The next request opens a new connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { asPostgresAdmin } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const onPostgres = process.env.TEST_DATABASE === 'postgres';

describe.runIf(onPostgres)('PostgreSQL connections closed by the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('are replaced, and the service keeps answering', async () => {
    const client = await apiClient(server, ['attestations:read']);
    const lookup = () =>
      api(server, client.key).get('/v1/attestations/eip155:1:0x000000000000000000000000000000000000dEaD');
    // Several requests at once leave several idle connections in the pool.
    expect((await Promise.all([lookup(), lookup(), lookup(), lookup()])).map((r) => r.status)).toEqual([
      200, 200, 200, 200,
    ]);
    const config = server.assembled.services.config;
    if (config.database.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const database = new URL(config.database.url).pathname.slice(1);
    const { rows } = await asPostgresAdmin((admin) =>
      admin.query(
        'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    // Give the pool time to notice; an unhandled 'error' event would fail the run here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    expect((await lookup()).status).toBe(200);
  });
});
