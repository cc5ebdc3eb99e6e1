// Every query on the hot paths is answered through an index, on both backends.
//
// The service runs its real flows over HTTP (wallet linking with a passkey step-up, exchange
// lookups, batches and matches, webhook interest and delivery, status-list publication and
// fetch) against a database filled to national-registry proportions and ANALYZEd. Every
// statement the service sends is recorded through Kysely's log hook, so a query added or
// changed on these paths is checked without anyone listing it here; each distinct statement
// is then explained with the parameters it was sent with, and the test fails on a full scan
// of any table that grows with the country.
//
// What counts as a full scan:
// - SQLite (`EXPLAIN QUERY PLAN`): `SCAN <table>`, with or without `USING [COVERING]
//   INDEX` (reading a whole index is a full scan too), unless the statement reads the first
//   rows of the scan in its own order and stops (a `LIMIT`, no `WHERE`, no temporary
//   b-tree for the ORDER BY): the audit tail `ORDER BY seq DESC LIMIT 1` is such a read.
// - PostgreSQL (`EXPLAIN (FORMAT JSON)`): a `Seq Scan` (parallel or not), or an index scan
//   without an index condition (a whole index in order) unless a `Limit` above stops it and
//   it filters nothing.
// PostgreSQL's plans are read with `enable_seqscan = off`, which only proves that an index
// serves each query: its planner weighs table size, and at the 150k rows a test can fill
// in seconds a 1,000-account batch is cheaper as a (parallel, hashed) sequential scan even
// with the right index, while at national size the index wins by orders of magnitude. The
// setting does not hide a missing index: it only penalises a sequential scan, so a query
// that no index serves still shows one (or a whole-index scan). On SQLite the plan read is
// the one its planner picks with default settings.
import { type Kysely, sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../src/crypto/tokens.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { rotateSigningKey } from '../../src/runtime/fileKeyStore.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { ChainPublisher } from '../../src/services/chainPublisher.js';
import { databaseGrantStores } from '../../src/services/devIdpGrants.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { deliverDueWebhooks } from '../../src/services/webhooks.js';
import type { Database } from '../../src/store/database.js';
import { purgeExpiredDevIdpGrants } from '../../src/store/repositories/devIdpGrants.js';
import {
  dueEgovSignings,
  endEgovSigning,
  findEgovSigning,
  insertEgovSigning,
  leaseEgovSigning,
  purgeEgovSigningsExpiredBefore,
  recordEgovProgress,
  releaseEgovSigning,
  renewEgovLease,
} from '../../src/store/repositories/egovSignings.js';
import { purgeInterestBefore } from '../../src/store/repositories/interest.js';
import { claimJobLease, releaseJobLease } from '../../src/store/repositories/jobLeases.js';
import { findWalletChallengeByHash } from '../../src/store/repositories/walletChallenges.js';
import { dueDeliveries } from '../../src/store/repositories/webhooks.js';
import { deployEas, type EasDeployment, grantAttesterRole } from '../chain/eas.js';
import { startRpcServer, type TestRpcServer } from '../chain/rpcServer.js';
import { api, apiClient, citizenWithAccounts, webhookReceiver } from '../exchange/exchangeFlow.js';
import { startTestChain, type TestChain } from '../helpers/chain.js';
import {
  expectNoFullScans,
  explainStatement,
  type Plan,
  type Statement,
  statementRecorder,
} from '../helpers/queryPlans.js';
import { openCaseIn } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { enrolledCitizen, json, signInWithPasskey } from '../http/citizenFlow.js';
import { askChallenge, linkEoa, signedInCitizens, submitSignature } from '../http/walletFlow.js';

const POSTGRES = process.env.TEST_DATABASE === 'postgres';

/** Rows filled in before the flows run: national scale in proportion, small enough to stay fast. */
const ROWS = {
  identities: 100_000,
  bindings: 150_000,
  auditLog: 150_000,
  queryLog: 200_000,
  /** One row per (account, exchange) looked up within the interest window. */
  exchangeInterest: 150_000,
  /** And one attempt each. */
  webhookDeliveries: 100_000,
  sessions: 50_000,
  passkeys: 100_000,
  walletChallenges: 20_000,
  challenges: 20_000,
  /** eGov Mobile signings of the last hour, almost all ended. */
  egovSignings: 20_000,
  conflictReports: 5_000,
  /** Licensed exchanges, each with one webhook. */
  clients: 20,
};

/**
 * Tables that stay tiny whatever the country's size, so scanning them is fine:
 * - status_lists: one row per STATUS_LIST_SIZE (131,072) attestations, ~150 rows at 20M;
 * - api_clients: one row per licensed exchange (dozens);
 * - webhooks: a few per exchange;
 * - job_leases: one row per background job;
 * - dev_idp_grants: the development IdP's (refused in production) unexpired codes and
 *   tokens, five minutes of sign-ins at most once housekeeping has run.
 * Every other table counts as large, including any table added later.
 */
const SMALL_TABLES = new Set(['status_lists', 'api_clients', 'webhooks', 'job_leases', 'dev_idp_grants']);
/** Partial indexes that hold a handful of a large table's rows: the officers among identities. */
const SMALL_INDEXES = new Set(['identities_officers']);

const { databaseLog, statementsOf } = statementRecorder();
const OPERATOR_TOKEN = newToken(32);

let server: TestServer;
/** SQLite's tables, so a plan's SCAN of a subquery or CTE is not taken for a table. */
let tables: Set<string> | undefined;
const large = (table: string, index?: string) =>
  (tables === undefined || tables.has(table)) &&
  !SMALL_TABLES.has(table) &&
  !(index !== undefined && SMALL_INDEXES.has(index));

function explain(statement: Statement): Promise<Plan> {
  return explainStatement(server.assembled.db, statement, large);
}

function expectIndexedOnly(statements: Statement[], mustTouch: string[]) {
  return expectNoFullScans(server.assembled.db, statements, mustTouch, large);
}

// ---- filling the database -------------------------------------------------------------

/** SQL fragments that differ between the dialects, so one fill script serves both. */
const dialect = POSTGRES
  ? {
      series: (n: number) => `generate_series(1::bigint, ${n}) as g(i)`,
      pad: (expr: string, width: number) => `lpad((${expr})::text, ${width}, '0')`,
      iso: (seconds: string) =>
        `to_char(to_timestamp(${seconds}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    }
  : {
      series: (n: number) =>
        `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s) as g`,
      pad: (expr: string, width: number) => `printf('%0${width}d', ${expr})`,
      iso: (seconds: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`,
    };

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The seeded account of binding `i`: i · 48271 mod (2³¹ − 1) is a permutation of 1…2³¹−2,
 * so accounts are distinct and their order is unrelated to insertion order. Decimal digits
 * are hex digits without letters, so the address is already in its checksummed form.
 */
const ACCOUNT_SQL = (i: string) => `'eip155:1:0x' || ${dialect.pad(`(${i}) * 48271 % 2147483647`, 40)}`;
function seededAccount(i: number): string {
  return `eip155:1:0x${String((i * 48271) % 2147483647).padStart(40, '0')}`;
}

/** Seeded binding statuses: ~98.5 % active, 1 % revoked, 0.5 % suspended. */
const BINDING_STATUS = `case when i % 200 = 7 then 'suspended' when i % 100 = 3 then 'revoked' else 'active' end`;
const ATTESTATION_STATUS = `case when i % 200 = 7 then 'suspended' when i % 100 = 3 then 'invalid' else 'valid' end`;

/** Filled bindings the exchange test looks up: two single lookups, 900 of a batch. */
const LOOKED_UP = [17, 103, ...Array.from({ length: 900 }, (_, i) => 1 + i * 149)];

/**
 * Fills every large table with rows shaped like the service's own; identifiers and times
 * are spread deterministically. The ciphertexts and the passkey key are copied from what
 * the real flow just wrote. Attestations are lean (a short JWT, `{}` for the EIP-712
 * text; a real one is 3.3 kB and would make the fill write half a gigabyte), except those
 * the exchange test reads, which carry the real texts so the answers pass the contract
 * check. Lean rows do not weaken the check: SQLite's plans do not depend on row width,
 * and narrower rows only make a sequential scan look cheaper to PostgreSQL's planner.
 */
async function fill(db: Kysely<Database>, statusListSize: number) {
  // The rows are consistent by construction, so foreign keys are not checked row by row
  // while filling (on PostgreSQL that check is most of the time).
  if (!POSTGRES) await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      if (POSTGRES) await sql`set local session_replication_role = replica`.execute(trx);
      await fillRows(trx, statusListSize);
    });
  } finally {
    if (!POSTGRES) await sql`pragma foreign_keys = on`.execute(db);
  }
  await sql`analyze`.execute(db);
}

async function fillRows(db: Kysely<Database>, statusListSize: number) {
  const template = {
    attestation: await db.selectFrom('attestations').selectAll().executeTakeFirstOrThrow(),
    identity: await db.selectFrom('identities').selectAll().executeTakeFirstOrThrow(),
    passkey: await db.selectFrom('passkeys').selectAll().executeTakeFirstOrThrow(),
  };
  const auditTail = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirstOrThrow();
  const seq0 = Number(auditTail.seq ?? 0);
  const now = Math.floor(Date.now() / 1000);
  const day = 86_400;
  const base = now - 400 * day;
  const { series, pad, iso } = dialect;
  const run = (text: string) => sql.raw(text).execute(db);
  const id = (prefix: string, expr = 'i') => `'${prefix}' || ${pad(expr, 12)}`;
  const identityOf = (expr: string) => id('seed-identity-', `(${expr} - 1) % ${ROWS.identities} + 1`);

  await run(`insert into identities (id, country, national_id_hash, national_id_ciphertext,
      personal_data_ciphertext, level, source, webauthn_user_id, roles, verified_at, created_at,
      link_blocked_at, link_blocked_reason)
    select ${id('seed-identity-')}, 'KZ', ${id('seed-nid-', 'i * 48271 % 2147483647')},
      ${literal(template.identity.national_id_ciphertext)}, ${literal(template.identity.personal_data_ciphertext)},
      case when i % 10 = 0 then 'high' when i % 3 = 0 then 'substantial' else 'low' end,
      case when i % 10 = 0 then 'x509' else 'oidc' end, ${id('seed-user-')}, 'citizen',
      ${iso(`${base} + i * 300`)}, ${iso(`${base} + i * 300`)},
      case when i % 1000 = 0 then ${iso(`${base} + i * 300 + ${day}`)} else null end,
      case when i % 1000 = 0 then 'fraud' else null end
    from ${series(ROWS.identities)}`);

  await run(`insert into bindings (id, identity_id, account, chain_id, method, status, created_at,
      status_changed_at, revocation_reason)
    select ${id('seed-binding-')}, ${identityOf('i')}, ${ACCOUNT_SQL('i')}, 'eip155:1',
      case when i % 50 = 0 then 'erc1271' else 'eip191' end, ${BINDING_STATUS},
      ${iso(`${base} + i * 200`)},
      ${iso(`${base} + i * 200 + case when i % 200 = 7 or i % 100 = 3 then ${day} else 0 end`)},
      case when i % 100 = 3 then 'holder_request' else null end
    from ${series(ROWS.bindings)}`);

  // Two lists: one full, one open with the rest; the service's next allocation lands in
  // the open one, as it would in a running registry.
  const first = Math.min(statusListSize, ROWS.bindings - 1);
  const listAt = iso(String(base));
  await run(`insert into status_lists (id, bits, size, next_index, version, published_version,
      published_token, published_at, changed_at, created_at)
    select 'seed-list-' || i, 2, ${statusListSize},
      case when i = 1 then ${first} else ${ROWS.bindings - first} end, 1, -1, null, null, ${listAt}, ${listAt}
    from ${series(2)}`);
  await run(`insert into attestations (id, binding_id, kid, status_list_id, status_list_index, status,
      issued_at, expires_at, jwt, eip712)
    select ${id('seed-attestation-')}, ${id('seed-binding-')}, ${literal(template.attestation.kid)},
      case when i <= ${first} then 'seed-list-1' else 'seed-list-2' end,
      case when i <= ${first} then i - 1 else i - ${first} - 1 end, ${ATTESTATION_STATUS},
      ${iso(`${base} + i * 200`)}, ${iso(`${base} + i * 200 + 365 * ${day}`)},
      'seed.' || ${pad('i', 12)} || '.signature', '{}'
    from ${series(ROWS.bindings)}`);
  await db
    .updateTable('attestations')
    .set({ jwt: template.attestation.jwt, eip712: template.attestation.eip712 })
    .where(
      'binding_id',
      'in',
      LOOKED_UP.map((i) => `seed-binding-${String(i).padStart(12, '0')}`),
    )
    .execute();

  await run(`insert into audit_log (seq, at, actor_type, actor_id, action, subject_type, subject_id,
      details, prev_hash, hash)
    select ${seq0} + i, ${iso(`${base} + i * 200`)}, 'citizen', ${identityOf('i')},
      case when i % 2 = 0 then 'binding.created' else 'attestation.issued' end,
      case when i % 2 = 0 then 'binding' else 'attestation' end, ${id('seed-binding-')}, '{}',
      ${pad(`${seq0} + i - 1`, 64)}, ${pad(`${seq0} + i`, 64)}
    from ${series(ROWS.auditLog)}`);

  await run(`insert into api_clients (id, name, license_no, key_prefix, key_hash, scopes,
      rate_per_second, burst, status, created_at, revoked_at)
    select 'seed-client-' || (i - 1), 'Exchange ' || i, 'AFSA-' || i, 'seed' || ${pad('i', 4)}, 'x',
      'attestations:read', 20, 40, 'active', ${listAt}, null
    from ${series(ROWS.clients)}`);
  await run(`insert into webhooks (id, client_id, url, description, secret_ciphertext, status, created_at)
    select 'seed-webhook-' || (i - 1), 'seed-client-' || (i - 1), 'https://exchange-' || i || '.example/hooks',
      '', 'x', 'active', ${listAt}
    from ${series(ROWS.clients)}`);

  // Lookups of the last 60 days: 70 % single, 25 % batch, 5 % match, 10 % of unknown accounts.
  await run(`insert into query_log (id, client_id, kind, account, result, at)
    select ${id('seed-query-')}, 'seed-client-' || (i % ${ROWS.clients}),
      case when i % 20 = 0 then 'match' when i % 20 < 6 then 'batch' else 'lookup' end,
      case when i % 10 = 1 then 'eip155:1:0x' || ${pad('i + 3000000000', 40)}
        else ${ACCOUNT_SQL(`(i - 1) % ${ROWS.bindings} + 1`)} end,
      case when i % 10 = 1 then 'none' else 'active' end, ${iso(`${now - 60 * day} + i * 25`)}
    from ${series(ROWS.queryLog)}`);

  await run(`insert into exchange_interest (account, client_id, looked_up_at)
    select ${ACCOUNT_SQL(`(i - 1) % ${ROWS.bindings} + 1`)}, 'seed-client-' || ((i - 1) / ${ROWS.bindings}),
      ${iso(`${now - 40 * day} + i * 20`)}
    from ${series(ROWS.exchangeInterest)}`);

  // Mostly delivered; the pending ones are due tomorrow, so the worker leaves them alone.
  await run(`insert into webhook_deliveries (id, webhook_id, event_type, payload, status, attempts,
      next_attempt_at, locked_until, created_at, delivered_at, last_status_code, last_error)
    select ${id('seed-delivery-')}, 'seed-webhook-' || (i % ${ROWS.clients}), 'account.status_changed', '{}',
      case when i % 100 = 0 then 'pending' when i % 100 = 1 then 'failed' else 'delivered' end, 1,
      case when i % 100 = 0 then ${iso(`${now + day}`)} else ${iso(`${now - 50 * day} + i * 40`)} end,
      null, ${iso(`${now - 50 * day} + i * 40`)},
      case when i % 100 > 1 then ${iso(`${now - 50 * day} + i * 40 + 1`)} else null end,
      case when i % 100 = 1 then 500 else 200 end, null
    from ${series(ROWS.webhookDeliveries)}`);

  await run(`insert into webhook_attempts (id, delivery_id, attempt, at, status_code, error, duration_ms)
    select ${id('seed-attempt-')}, ${id('seed-delivery-')}, 1, ${iso(`${now - 50 * day} + i * 40 + 1`)},
      case when i % 100 = 1 then 500 else 200 end, null, 40 + i % 200
    from ${series(ROWS.webhookDeliveries)}`);

  await run(`insert into sessions (id, identity_id, kind, created_at, last_seen_at, expires_at,
      identity_verified_at, passkey_verified_at)
    select ${id('seed-session-')}, ${identityOf('i * 7')}, 'full', ${iso(`${now - 3600} + i % 3600`)},
      ${iso(`${now - 600} + i % 600`)}, ${iso(`${now + 12 * 3600}`)}, null, ${iso(`${now - 3600} + i % 3600`)}
    from ${series(ROWS.sessions)}`);

  await run(`insert into passkeys (id, identity_id, public_key, counter, transports, device_type,
      backed_up, name, created_at, last_used_at)
    select ${id('seed-passkey-')}, ${identityOf('i')}, ${literal(template.passkey.public_key)}, 0, '["internal"]',
      'multiDevice', 1, 'Passkey', ${iso(`${base} + i * 300`)}, null
    from ${series(ROWS.passkeys)}`);

  await run(`insert into challenges (id, purpose, binding, payload, expires_at, created_at)
    select ${id('seed-challenge-')}, 'webauthn.authentication', ${id('seed-flow-')}, '{}',
      ${iso(`${now + 300}`)}, ${iso(String(now))}
    from ${series(ROWS.challenges)}`);

  // One in a hundred still pending, none of them due before tomorrow.
  await run(`insert into egov_signings (id, binding, status, step, sealed_flow, sealed_signature, failure,
      attempts, next_attempt_at, locked_until, expires_at, created_at, updated_at)
    select ${id('seed-egov-')}, ${id('seed-egov-flow-')},
      case when i % 100 = 0 then 'pending' when i % 7 = 0 then 'failed' else 'completed' end,
      'await-signature', 'sealed', null, null, 0, ${iso(`${now + day}`)}, null,
      ${iso(`${now} - 3600 + i % 3600 + 300`)}, ${iso(`${now} - 3600 + i % 3600`)}, ${iso(`${now} - 3600 + i % 3600`)}
    from ${series(ROWS.egovSignings)}`);

  await run(`insert into wallet_challenges (id, challenge_hash, session_binding, identity_id, account,
      message, issued_at, expires_at)
    select ${id('seed-wallet-challenge-')}, '0x' || ${pad('i', 64)}, ${id('seed-session-binding-')},
      ${identityOf('i * 13')}, 'eip155:1:0x' || ${pad('i + 4000000000', 40)}, 'seed', ${iso(String(now))},
      ${iso(`${now + 600}`)}
    from ${series(ROWS.walletChallenges)}`);

  // Every filled binding was published on a chain once; one in a thousand has a change
  // still pending, not due before tomorrow.
  await run(`insert into chain_publications (id, chain_id, binding_id, event, status, attempts, next_attempt_at,
      locked_until, created_at, published_at, last_error)
    select ${id('seed-chain-publication-')}, 'eip155:31337', ${id('seed-binding-')}, 'attestation.issued',
      case when i % 1000 = 0 then 'pending' else 'published' end, 1,
      case when i % 1000 = 0 then ${iso(`${now + day}`)} else ${iso(`${base} + i * 200`)} end, null,
      ${iso(`${base} + i * 200`)}, case when i % 1000 = 0 then null else ${iso(`${base} + i * 200 + 30`)} end, null
    from ${series(ROWS.bindings)}`);

  await run(`insert into chain_attestations (attestation_id, chain_id, uid, tx_hash, status, published_at,
      updated_at)
    select ${id('seed-attestation-')}, 'eip155:31337', '0x' || ${pad('i', 64)}, null, 'active',
      ${iso(`${base} + i * 200 + 30`)}, ${iso(`${base} + i * 200 + 30`)}
    from ${series(ROWS.bindings)}`);

  await run(`insert into conflict_reports (id, account, existing_binding_id, claimant_identity_id, method,
      status, created_at, resolved_at, resolution)
    select ${id('seed-conflict-')}, ${ACCOUNT_SQL('i * 29')}, ${id('seed-binding-', 'i * 29')},
      ${identityOf('i * 31 + 1')}, 'eip191', case when i % 5 = 0 then 'open' else 'resolved' end,
      ${iso(`${base} + i * 6000`)}, null, null
    from ${series(ROWS.conflictReports)}`);
}

// ---- the flows -------------------------------------------------------------------------

let holder: Awaited<ReturnType<typeof enrolledCitizen>> & { nationalId: string; account: string };

let onchain: { chain: TestChain; rpc: TestRpcServer; deployment: EasDeployment };

beforeAll(async () => {
  // A second chain publishes attestations (EAS on an in-process chain), for the publisher's path.
  const chain = await startTestChain();
  const deployment = await deployEas(chain, {
    admin: chain.accounts[0],
    attester: chain.accounts[0].address,
  });
  onchain = { chain, rpc: await startRpcServer(chain), deployment };
  server = await startTestServer(
    {
      CHAINS: 'eip155:1,eip155:31337',
      CHAIN_EIP155_31337_RPC_URL: onchain.rpc.url,
      CHAIN_EIP155_31337_EAS: deployment.eas,
      CHAIN_EIP155_31337_ATTESTATION_REGISTRY: deployment.registry,
      CHAIN_EIP155_31337_PUBLISHER_KEY: chain.privateKeys[2],
      OPERATOR_TOKEN_SHA256: await hashToken(OPERATOR_TOKEN),
    },
    undefined,
    undefined,
    databaseLog,
  );
  await grantAttesterRole(chain, deployment, await server.assembled.services.keys.attesterAddress());
  const services = server.assembled.services;
  // One real citizen first: a verified identity, a passkey, a linked account and its
  // attestation, whose rows are the template of the filled ones.
  const nationalId = TEST_PERSONS[0]!.nationalId;
  const enrolled = await enrolledCitizen(server.browser(), nationalId, server.baseUrl);
  const browser = server.browser();
  expect((await signInWithPasskey(browser, enrolled.authenticator)).status).toBe(200);
  const binding = await linkEoa(browser, privateKeyToAccount(generatePrivateKey()));
  holder = { ...enrolled, nationalId, account: binding.account };

  const started = Date.now();
  await fill(server.assembled.db, services.config.statusLists.size);
  if (process.env.QUERY_PLAN_DEBUG) console.log(`filled in ${Date.now() - started} ms`);
  // On SQLite the fill blocks the event loop for seconds; let the keep-alive connections
  // that timed out meanwhile close before the next request, rather than race it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (!POSTGRES) {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
      server.assembled.db,
    );
    tables = new Set(rows.map((row) => row.name));
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
  await onchain?.rpc.close();
  await onchain?.chain.close();
});

describe('query plans on a filled database', () => {
  it('the check itself sees a full scan, and passes an indexed lookup', async () => {
    const placeholder = POSTGRES ? '$1' : '?';
    const scan = await explain({
      sql: `select * from "bindings" where "method" = ${placeholder}`,
      parameters: ['erc1271'],
    });
    expect(scan.fullScans, scan.lines.join('\n')).toHaveLength(1);
    const lookup = await explain({
      sql: `select * from "bindings" where "id" = ${placeholder}`,
      parameters: ['seed-binding-000000000001'],
    });
    expect(lookup.fullScans, lookup.lines.join('\n')).toEqual([]);
  });

  it('wallet linking: passkey step-up, challenge, verify, binding, conflict check, attestation, audit', async () => {
    const signer = privateKeyToAccount(generatePrivateKey());
    const statements = await statementsOf(async () => {
      const browser = server.browser();
      expect((await signInWithPasskey(browser, holder.authenticator)).status).toBe(200);
      const binding = await linkEoa(browser, signer);
      expect((await browser.get('/v1/me')).status).toBe(200);
      expect((await browser.get(`/v1/wallets/${binding.id}/attestation`)).status).toBe(200);
      // Another identity claiming the account: 409 and a conflict report.
      const [claimant] = await signedInCitizens(server, 1);
      const challenge = await askChallenge(claimant!.browser, binding.account);
      const refused = await submitSignature(
        claimant!.browser,
        challenge.message,
        await signer.signMessage({ message: challenge.message }),
      );
      expect(refused.status).toBe(409);
      // The on-chain proof finds its challenge by hash (that route needs a chain RPC).
      const pending = await askChallenge(
        browser,
        `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`,
      );
      expect(await findWalletChallengeByHash(server.assembled.db, pending.challengeHash)).toBeDefined();
    });
    await expectIndexedOnly(statements, [
      'sessions',
      'passkeys',
      'challenges',
      'wallet_challenges',
      'bindings',
      'attestations',
      'status_lists',
      'conflict_reports',
      'audit_log',
      'identities',
    ]);
  });

  it('exchange: single lookup, batch of 1,000, match', async () => {
    const client = await apiClient(server, ['attestations:read', 'identity:match']);
    const exchange = api(server, client.key);
    const statements = await statementsOf(async () => {
      for (const account of [
        seededAccount(LOOKED_UP[0]!),
        seededAccount(LOOKED_UP[1]!),
        holder.account,
        `eip155:1:0x${'9'.repeat(40)}`,
      ]) {
        expect((await exchange.get(`/v1/attestations/${account}`)).status).toBe(200);
      }
      // The 900 filled accounts of LOOKED_UP, spread over the table, and every tenth unknown.
      const filled = LOOKED_UP.slice(2).map(seededAccount);
      const accounts = Array.from({ length: 1000 }, (_, i) =>
        i % 10 === 9 ? `eip155:1:0x${String(5_000_000_000 + i).padStart(40, '0')}` : filled.shift()!,
      );
      const batch = await exchange.post('/v1/attestations/query', { accounts });
      expect(batch.status).toBe(200);
      expect((await json<{ results: unknown[] }>(batch)).results).toHaveLength(1000);
      const match = await exchange.post('/v1/attestations/match', {
        account: holder.account,
        nationalId: holder.nationalId,
      });
      expect(await json(match)).toMatchObject({ match: true });
      const mismatch = await exchange.post('/v1/attestations/match', {
        account: seededAccount(17),
        nationalId: holder.nationalId,
      });
      expect(await json(mismatch)).toMatchObject({ match: false });
      // On SQLite the query log is written by its own thread and connection (inserts
      // only, so nothing to explain); on PostgreSQL its insert is recorded here.
      await server.assembled.services.queryLog.flush();
    });
    // On SQLite the interest upsert is made by the writer thread, outside this log.
    await expectIndexedOnly(statements, [
      ...(POSTGRES ? ['exchange_interest'] : []),
      'bindings',
      'attestations',
      'identities',
    ]);
  });

  it('the citizen’s activity: lookups about them, confidential cases, exchanges’ queries of their accounts', async () => {
    const regulator = api(server, (await apiClient(server, ['regulator:read', 'regulator:act'])).key);
    const secret = { 'access-purpose': 'aml_investigation', 'case-reference': 'AFM-2026/PLAN-1' };
    const discloseAt = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    const confided = await regulator.post(
      '/v1/regulator/confidential-cases',
      { discloseAt, legalReference: 'Order 1' },
      secret,
    );
    expect(confided.status).toBe(200);
    expect(
      (await regulator.post('/v1/regulator/lookups', { nationalId: holder.nationalId }, secret)).status,
    ).toBe(200);
    const exchange = api(server, (await apiClient(server, ['attestations:read'])).key);
    expect((await exchange.get(`/v1/attestations/${holder.account}`)).status).toBe(200);
    await server.assembled.services.queryLog.flush();
    const browser = server.browser();
    expect((await signInWithPasskey(browser, holder.authenticator)).status).toBe(200);
    const statements = await statementsOf(async () => {
      const activity = await json<{ exchangeQueries: unknown[] }>(await browser.get('/v1/me/activity'));
      expect(activity.exchangeQueries.length).toBeGreaterThan(0);
      expect((await browser.get('/activity')).status).toBe(200);
      expect((await browser.get('/v1/me/audit')).status).toBe(200);
    });
    await expectIndexedOnly(statements, ['audit_subjects', 'confidential_cases', 'query_log', 'bindings']);
  });

  it('four eyes: a pending action asked for, listed, read and approved', async () => {
    const services = server.assembled.services;
    const [first, second] = await signedInCitizens(server, 2);
    for (const officer of [first!, second!]) {
      await setRegulatorRole(services, officer.nationalId, true);
      openCaseIn(server, officer.browser);
    }
    const [person] = await signedInCitizens(server, 1);
    const statements = await statementsOf(async () => {
      const asked = await first!.browser.post('/v1/regulator/role-grants', {
        nationalId: person!.nationalId,
      });
      expect(asked.status).toBe(202);
      const { pending } = await json<{ pending: { id: string } }>(asked);
      expect((await second!.browser.get('/v1/regulator/pending-actions')).status).toBe(200);
      expect((await second!.browser.get(`/v1/regulator/pending-actions/${pending.id}`)).status).toBe(200);
      expect(
        (await second!.browser.post(`/v1/regulator/pending-actions/${pending.id}/approval`, {})).status,
      ).toBe(200);
    });
    await expectIndexedOnly(statements, ['pending_actions', 'identities']);
  });

  it('operator API: clients created, listed and revoked; the role granted; the officers listed', async () => {
    const [person] = await signedInCitizens(server, 1);
    const operator = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      server.browser().request(method, path, {
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    const statements = await statementsOf(async () => {
      const created = await operator('POST', '/v1/operator/api-clients', {
        name: 'Plan exchange',
        licenseNo: 'P-1',
        scopes: ['attestations:read'],
      });
      expect(created.status).toBe(201);
      const { client } = await json<{ client: { id: string } }>(created);
      expect((await operator('GET', '/v1/operator/api-clients')).status).toBe(200);
      expect((await operator('POST', `/v1/operator/api-clients/${client.id}/revocation`)).status).toBe(200);
      const granted = await operator('POST', '/v1/operator/regulator-roles', {
        nationalId: person!.nationalId,
        granted: true,
      });
      expect(granted.status).toBe(200);
      const officers = await json<{ officers: { identityId: string }[] }>(
        await operator('GET', '/v1/operator/regulators'),
      );
      expect(officers.officers.map((o) => o.identityId)).toContain(person!.identityId);
    });
    // The officers are read through the partial index, not a scan of every identity.
    await expectIndexedOnly(statements, ['api_clients', 'identities']);
  });

  it('webhook interest: who looked the account up, the outbox, the delivery worker', async () => {
    const client = await apiClient(server, ['attestations:read', 'webhooks:manage']);
    const receiver = await webhookReceiver(server.clock);
    try {
      const created = await api(server, client.key).post('/v1/webhooks', { url: receiver.url });
      expect(created.status).toBe(201);
      const { webhook, secret } = await json<{ webhook: { id: string }; secret: string }>(created);
      receiver.setSecret(secret);
      const { linked } = await citizenWithAccounts(server, 1);
      await api(server, client.key).get(`/v1/attestations/${linked[0]!.account}`);
      await server.assembled.services.queryLog.flush();
      const statements = await statementsOf(async () => {
        await changeBinding(server.assembled.services, linked[0]!.bindingId, {
          transition: 'suspend',
          reason: 'fraud',
          actor: { type: 'regulator', id: null },
        });
        expect(await deliverDueWebhooks(server.assembled.services, fetch)).toMatchObject({ delivered: 1 });
        expect(receiver.received.map((r) => r.verified)).toEqual([true]);
        expect((await api(server, client.key).get(`/v1/webhooks/${webhook.id}/deliveries`)).status).toBe(200);
      });
      await expectIndexedOnly(statements, [
        'exchange_interest',
        'webhooks',
        'webhook_deliveries',
        'bindings',
        'audit_log',
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('webhook dispatch: the head of each receiver’s queue, through the partial index', async () => {
    // Two days on, the filled pending deliveries are all due: 1,000 of them, all to one
    // filled webhook (a receiver with a backlog); the other filled webhooks have none.
    const later = new Date(server.clock.now().getTime() + 2 * 86_400_000);
    const db = server.assembled.db;
    let heads: Awaited<ReturnType<typeof dueDeliveries>> = [];
    const statements = await statementsOf(async () => {
      heads = await dueDeliveries(db, later, 8, []);
      // The runtime's dispatcher leaves out the receivers it is sending to.
      expect(await dueDeliveries(db, later, 8, ['seed-webhook-0', 'seed-webhook-1'])).toEqual([]);
    });
    // One head for the backlog, its oldest delivery.
    expect(heads.map((d) => [d.webhook_id, d.id])).toEqual([
      ['seed-webhook-0', 'seed-delivery-000000000100'],
    ]);
    await expectIndexedOnly(statements, ['webhooks', 'webhook_deliveries']);
    // No full scan is not enough here: a search of every due delivery by time would be
    // indexed too, and read the whole backlog on every poll.
    for (const statement of statements) {
      const plan = await explain(statement);
      expect(plan.lines.join('\n'), plan.sql).toContain('webhook_deliveries_dispatch');
    }
  });

  it('chain publisher: the outbox written with the change, its queue, the on-chain state, the lookup', async () => {
    const client = await apiClient(server, ['attestations:read']);
    const browser = server.browser();
    expect((await signInWithPasskey(browser, holder.authenticator)).status).toBe(200);
    const statements = await statementsOf(async () => {
      const binding = await linkEoa(browser, privateKeyToAccount(generatePrivateKey()), 'eip155:31337');
      const publisher = new ChainPublisher(server.assembled.services);
      expect(await publisher.publishDue()).toMatchObject({ published: 1, retrying: 0, failed: 0 });
      await changeBinding(server.assembled.services, binding.id, {
        transition: 'suspend',
        reason: 'fraud',
        actor: { type: 'regulator', id: null },
      });
      expect(await publisher.publishDue()).toMatchObject({ published: 1, retrying: 0, failed: 0 });
      const lookup = await api(server, client.key).get(`/v1/attestations/${binding.account}`);
      expect(await json(lookup)).toMatchObject({ status: 'suspended', onchain: { status: 'suspended' } });
    });
    await expectIndexedOnly(statements, [
      'chain_publications',
      'chain_attestations',
      'bindings',
      'attestations',
    ]);
  });

  it('housekeeping: interest past the webhook window, removed in bounded batches', async () => {
    const db = server.assembled.db;
    // The filled interest is 40 days old (the default window is 30): one batch goes.
    const statements = await statementsOf(async () => {
      expect(await purgeInterestBefore(db, new Date(Date.now() - 35 * 86_400_000), 500)).toBe(500);
    });
    await expectIndexedOnly(statements, ['exchange_interest']);
  });

  it('eGov Mobile signings: start, status, the poller’s queue and lease, completion, purge', async () => {
    const db = server.assembled.db;
    const at = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000);
    const row = {
      id: 'egov-plan-signing-0000',
      binding: 'egov-plan-flow',
      status: 'pending',
      step: 'send-data',
      sealed_flow: 'sealed',
      sealed_signature: null,
      failure: null,
      attempts: 0,
      next_attempt_at: at(0).toISOString(),
      locked_until: null,
      expires_at: at(300).toISOString(),
      created_at: at(0).toISOString(),
      updated_at: at(0).toISOString(),
    };
    const statements = await statementsOf(async () => {
      await insertEgovSigning(db, row);
      expect(await findEgovSigning(db, row.id, row.binding)).toBeDefined();
      const due = await dueEgovSignings(db, at(1), 10, ['seed-egov-000000000100']);
      expect(due.map((signing) => signing.id)).toEqual([row.id]);
      const leasedUntil = at(60);
      expect(await leaseEgovSigning(db, row.id, 'pending', at(1), leasedUntil)).toBe(true);
      expect(await renewEgovLease(db, row.id, leasedUntil, at(90))).toBe(true);
      await releaseEgovSigning(db, row.id);
      expect(
        await recordEgovProgress(db, row.id, { status: 'signed', sealed_signature: 'sealed' }, at(2)),
      ).toBe(true);
      expect(await endEgovSigning(db, row.id, { status: 'completed' }, at(3))).toBe(true);
      expect(await purgeEgovSigningsExpiredBefore(db, at(-3000))).toBeGreaterThan(0);
    });
    await expectIndexedOnly(statements, ['egov_signings']);
  });

  it('dev IdP: a sign-in’s code issued, redeemed once, its access token read, expired ones purged', async () => {
    const statements = await statementsOf(async () => {
      await signedInCitizens(server, 1);
      // What UserInfo asks for a presented access token.
      expect(
        await databaseGrantStores(server.assembled.services).accessTokens.find('unknown'),
      ).toBeUndefined();
      await purgeExpiredDevIdpGrants(server.assembled.db, new Date(Date.now() - 3600_000));
    });
    await expectIndexedOnly(statements, ['dev_idp_grants']);
  });

  it('job leases: claimed, renewed and released by one statement each', async () => {
    const db = server.assembled.db;
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    const statements = await statementsOf(async () => {
      expect(await claimJobLease(db, 'plan-job', 'plan-holder', now, until)).toBe(true);
      expect(await claimJobLease(db, 'plan-job', 'plan-holder', now, until)).toBe(true);
      await releaseJobLease(db, 'plan-job', 'plan-holder');
    });
    await expectIndexedOnly(statements, ['job_leases']);
  });

  it('status lists: publication after a change, cached fetch, a full list', async () => {
    const { linked } = await citizenWithAccounts(server, 1);
    const row = await server.assembled.db
      .selectFrom('attestations')
      .select('status_list_id')
      .where('binding_id', '=', linked[0]!.bindingId)
      .executeTakeFirstOrThrow();
    expect(row.status_list_id).toBe('seed-list-2');
    await changeBinding(server.assembled.services, linked[0]!.bindingId, {
      transition: 'revoke',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    const statements = await statementsOf(async () => {
      for (const list of ['seed-list-2', 'seed-list-2', 'seed-list-1']) {
        expect((await fetch(`${server.baseUrl}/v1/status-lists/${list}`)).status).toBe(200);
      }
    });
    await expectIndexedOnly(statements, ['status_lists', 'attestations']);
  });

  it('public keys: the JWKS while a retired key still has unexpired tokens', async () => {
    // After a rotation the JWKS asks, per retired key, for its latest token expiry.
    await rotateSigningKey(server.assembled.services.config, server.clock.now());
    const statements = await statementsOf(async () => {
      const jwks = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as {
        keys: unknown[];
      };
      expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    });
    await expectIndexedOnly(statements, ['attestations']);
  });
});
