// `npm test` runs everything on SQLite, and the suites that touch a database once more on
// PostgreSQL (a fresh database per test server). Without a reachable PostgreSQL the second
// run is skipped with a message, except in CI (CI=true), where it is required.
import { Socket } from 'node:net';
import { defineConfig } from 'vitest/config';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 5432), hostname, () => done(true));
  });
}

// Suites that start the service (and so a database); the others have nothing to repeat.
const DATABASE_SUITES = [
  'test/http/**/*.test.ts',
  'test/exchange/**/*.test.ts',
  'test/regulator/**/*.test.ts',
  'test/attestations/**/*.test.ts',
  'test/audit/transparency.test.ts',
  'test/audit/tlogTiles.test.ts',
  'test/store/auditLogQueryPlans.test.ts',
  'test/property/httpRefusals.test.ts',
  'test/contract.test.ts',
  'test/badInput.test.ts',
  'test/store/queryPlans.test.ts',
  'test/store/postgresConnections.test.ts',
  'test/store/storageFaults.test.ts',
  'test/crash/**/*.test.ts',
  'test/chain/publisher.test.ts',
  'test/i18n/problems.test.ts',
];

// Suites of several instances on one database: PostgreSQL only (SQLite serves one node).
const POSTGRES_ONLY_SUITES = ['test/multiInstance/**/*.test.ts'];

export default defineConfig(async () => {
  const withPostgres = process.env.CI === 'true' || (await reachable(POSTGRES_URL));
  if (!withPostgres) {
    console.warn(
      `PostgreSQL is not reachable at ${POSTGRES_URL}: skipping the PostgreSQL run (set TEST_POSTGRES_URL to point elsewhere).`,
    );
  }
  const common = { testTimeout: 30_000, hookTimeout: 60_000 };
  return {
    test: {
      globalSetup: ['test/globalSetup.ts'],
      projects: [
        {
          test: {
            ...common,
            name: 'sqlite',
            include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
            exclude: POSTGRES_ONLY_SUITES,
          },
        },
        ...(withPostgres
          ? [
              {
                test: {
                  ...common,
                  name: 'postgres',
                  include: [...DATABASE_SUITES, ...POSTGRES_ONLY_SUITES],
                  env: { TEST_DATABASE: 'postgres', TEST_POSTGRES_URL: POSTGRES_URL },
                },
              },
            ]
          : []),
      ],
    },
  };
});
