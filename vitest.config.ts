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
  'test/backends/**/*.test.ts',
  // Nothing personal in what exchanges and the public are answered, on either database.
  'test/privacy/**/*.test.ts',
];

// The suites run a third time against the Worker in workerd (the 'workers' project, see
// test/helpers/workerServer.ts): the product over HTTP, its Durable Object's database
// read and written from Node through the same file. Not here: suites that inject an
// in-process fake through the server (fetch for IdPs, OCSP, NCANode and SIGEX, a chain
// transport, the query hook: x509*, walletsOnchain, queryPlans), that look into the Node
// process (the SQLite file and disk check of boundaries, the signer spy of
// statusListPublication, edge, crash, storageFaults, pages), or that drive the Node
// runtime's background loops (webhookIsolation, notificationGuarantee, housekeeping).
const WORKERS_SUITES = [
  'test/backends/**/*.test.ts',
  'test/http/passkeys.test.ts',
  'test/http/operator.test.ts',
  'test/regulator/disclosure.test.ts',
  'test/privacy/**/*.test.ts',
  'test/i18n/problems.test.ts',
  'test/audit/tlogTiles.test.ts',
  'test/http/wallets.test.ts',
  'test/http/walletsProtocol.test.ts',
  'test/http/walletsBitcoin.test.ts',
  'test/http/walletsSolana.test.ts',
  'test/http/walletsTron.test.ts',
  'test/regulator/regulator.test.ts',
  'test/regulator/fourEyes.test.ts',
  'test/exchange/exchange.test.ts',
  'test/exchange/webhooks.test.ts',
  'test/attestations/attestations.test.ts',
  'test/audit/transparency.test.ts',
  'test/badInput.test.ts',
  'test/contract.test.ts',
  'test/property/httpRefusals.test.ts',
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
        {
          test: {
            ...common,
            name: 'workers',
            // Each test server starts a workerd process (seconds on a loaded machine).
            hookTimeout: 180_000,
            include: WORKERS_SUITES,
            // Bundles the Worker once (wrangler deploy --dry-run); each test server starts workerd on it.
            globalSetup: ['test/helpers/workerBundle.ts'],
            env: { TEST_DATABASE: 'workerd' },
          },
        },
      ],
    },
  };
});
