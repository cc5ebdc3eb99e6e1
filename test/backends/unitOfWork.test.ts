// The guarantees every adapter of the unit of work must give (src/store/transaction.ts),
// checked under concurrent writes over HTTP on each backend (SQLite, PostgreSQL, and the
// Worker's Durable Object in workerd): no forked audit chain, one live binding per
// account, status-list indices never reused.
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChainBreak } from '../../src/domain/audit/auditChain.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, type BindingJson, signedInCitizens, submitSignature } from '../http/walletFlow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ STATUS_LIST_SIZE: '16' });
});
afterAll(() => server.close());

async function link(browser: TestBrowser, account: string) {
  const signer = privateKeyToAccount(generatePrivateKey());
  const challenge = await askChallenge(browser, `${account}${signer.address}`);
  return submitSignature(
    browser,
    challenge.message,
    await signer.signMessage({ message: challenge.message }),
  );
}

describe('concurrent units of work', () => {
  it('keep the audit chain whole, one live binding per account and every status index once', async () => {
    const citizens = await signedInCitizens(server, 50);
    const contested = privateKeyToAccount(generatePrivateKey());
    const contestedAccount = `eip155:1:${contested.address}`;
    const contestedChallenges = await Promise.all(
      citizens.map(async ({ browser }) => {
        const challenge = await askChallenge(browser, contestedAccount);
        return { browser, challenge, signature: await contested.signMessage({ message: challenge.message }) };
      }),
    );
    // Each citizen at once: races for the contested account, links two accounts of its
    // own (two attestations, two status-list indices: lists of 16 fill and roll over)
    // and unlinks the first of them.
    const outcomes = await Promise.all(
      citizens.map(async ({ browser }, i) => {
        const [raced, first] = await Promise.all([
          submitSignature(
            browser,
            contestedChallenges[i]!.challenge.message,
            contestedChallenges[i]!.signature,
          ),
          link(browser, 'eip155:1:'),
        ]);
        const second = await link(browser, 'eip155:1:');
        expect(first.status, await first.clone().text()).toBe(201);
        expect(second.status, await second.clone().text()).toBe(201);
        const { binding } = await json<{ binding: BindingJson }>(first);
        const unlinked = await browser.request('DELETE', `/v1/wallets/${binding.id}`);
        expect(unlinked.status, await unlinked.clone().text()).toBe(200);
        return raced.status;
      }),
    );
    expect(outcomes.filter((status) => status === 201)).toHaveLength(1);
    expect(outcomes.filter((status) => status === 409)).toHaveLength(citizens.length - 1);

    const { db } = server.assembled;
    const audit = await listAudit(db);
    expect(await findChainBreak(audit)).toBeUndefined();
    expect(audit.map((entry) => entry.seq)).toEqual(audit.map((_, i) => i + 1));

    const live = await db
      .selectFrom('bindings')
      .select(['account', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '<>', 'revoked')
      .groupBy('account')
      .execute();
    expect(live.every((row) => Number(row.n) === 1)).toBe(true);
    expect(live).toHaveLength(1 + citizens.length);

    const entries = await db
      .selectFrom('attestations')
      .select(['status_list_id', 'status_list_index'])
      .execute();
    expect(entries).toHaveLength(1 + 2 * citizens.length);
    const distinct = new Set(entries.map((row) => `${row.status_list_id}/${row.status_list_index}`));
    expect(distinct.size).toBe(entries.length);
  });
});

// PostgreSQL's write lock is not held while a link's attestation is signed: the signing
// and its status-list entry come before the unit of work (docs/architecture.md).
describe.skipIf(process.env.TEST_DATABASE !== 'postgres')('the write lock on PostgreSQL', () => {
  it('is not held while a new binding’s attestation is signed', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const { keys, db } = server.assembled.services;
    const advisoryLocksHeld = async () => {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from pg_locks where locktype = 'advisory' and granted`.execute(db);
      return Number(rows[0]!.n);
    };
    const duringSigning: number[] = [];
    const signJwt = keys.signJwt;
    keys.signJwt = async (...args) => {
      duringSigning.push(await advisoryLocksHeld());
      return signJwt.apply(keys, args);
    };
    try {
      const linked = await link(citizen!.browser, 'eip155:1:');
      expect(linked.status, await linked.clone().text()).toBe(201);
    } finally {
      keys.signJwt = signJwt;
    }
    expect(duringSigning).toEqual([0]);
  });
});
