// One account, a hundred people linking it at once through both instances: exactly one
// binding, every other attempt a clean conflict, and the audit chain still one line.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';
import { type InstancePair, startInstancePair } from './instances.js';

const PEOPLE = 100;

let pair: InstancePair;
beforeAll(async () => {
  pair = await startInstancePair();
});
afterAll(() => pair?.close());

/** Both instances answer for a's origin; odd attempts go to b. */
const on = (i: number, path: string) => (i % 2 === 0 ? path : `${pair.b.baseUrl}${path}`);

describe('one account linked from both instances at once', () => {
  it('binds it once', { timeout: 180_000 }, async () => {
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:1:${signer.address}`;
    const citizens = await signedInCitizens(pair.a, PEOPLE);
    const attempts = await Promise.all(
      citizens.map(async ({ browser }: { browser: TestBrowser }, i) => {
        const asked = await browser.post(on(i, '/v1/wallets/challenge'), { account });
        expect(asked.status).toBe(201);
        const { message } = await json<{ message: string }>(asked);
        return { browser, message, signature: await signer.signMessage({ message }) };
      }),
    );
    const answers = await Promise.all(
      attempts.map(({ browser, message, signature }, i) =>
        browser.post(on(i + 1, '/v1/wallets/verify'), { message, signature }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(PEOPLE - 1);
    const live = await pair.a.assembled.db
      .selectFrom('bindings')
      .select('id')
      .where('account', '=', account)
      .where('status', 'in', ['active', 'suspended'])
      .execute();
    expect(live).toHaveLength(1);
    // One line of audit entries: no sequence number twice, none missing.
    const seqs = (
      await pair.a.assembled.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()
    ).map((row) => Number(row.seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });
});
