// Regulators over real HTTP: officers and API keys, audited lookups, every action on
// every kind of target, idempotency, finality, cascades with their status-list bits and
// webhook outbox rows, conflicts, the exchanges' query log, and the purpose and case every
// lookup and action states.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChainBreak } from '../../src/domain/audit/auditChain.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { verifyWalletAttestation } from '../../src/verifier/index.js';
import { api, apiClient, citizenWithAccounts, webhookReceiver } from '../exchange/exchangeFlow.js';
import { accessHeaders, openCaseIn, TEST_ACCESS } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from '../http/walletFlow.js';

let server: TestServer;
let officer: { browser: TestBrowser; identityId: string };
let system: { id: string; key: string };

beforeAll(async () => {
  // One officer acting alone on every kind of target: four eyes are off here and tested
  // in fourEyes.test.ts.
  server = await startTestServer({ FOUR_EYES_ACTIONS: 'none' });
  const [person] = await signedInCitizens(server, 1);
  await setRegulatorRole(server.assembled.services, person!.nationalId, true);
  officer = person!;
  openCaseIn(server, officer.browser);
  system = await apiClient(server, ['regulator:read', 'regulator:act']);
});
afterAll(() => server.close());

const LEGAL = 'Court of Astana, case 2-1234/2026';

function act(path: string, body: unknown, browser: TestBrowser = officer.browser) {
  return browser.post(`/v1/regulator/${path}`, body);
}

async function statusOf(jwt: string) {
  const result = await verifyWalletAttestation(jwt, {
    issuer: server.baseUrl,
    jwks: async () => json(await fetch(`${server.baseUrl}/.well-known/jwks.json`)),
    fetch,
    now: server.clock.now(),
  });
  return result.status;
}

async function linkedWithTokens(count: number) {
  const citizen = await citizenWithAccounts(server, count);
  const rows = await server.assembled.db
    .selectFrom('attestations')
    .select(['id', 'binding_id', 'jwt'])
    .where(
      'binding_id',
      'in',
      citizen.linked.map((l) => l.bindingId),
    )
    .execute();
  const identityId = (
    await server.assembled.db
      .selectFrom('bindings')
      .select('identity_id')
      .where('id', '=', citizen.linked[0]!.bindingId)
      .executeTakeFirstOrThrow()
  ).identity_id;
  return {
    ...citizen,
    identityId,
    tokens: citizen.linked.map((l) => rows.find((r) => r.binding_id === l.bindingId)!),
  };
}

describe('officers and keys', () => {
  it('lets an officer and a regulator key in, and keeps citizens and exchanges out', async () => {
    expect((await officer.browser.get('/v1/regulator/conflicts')).status).toBe(200);
    expect((await api(server, system.key).get('/v1/regulator/conflicts')).status).toBe(200);
    const [citizen] = await signedInCitizens(server, 1);
    await expectProblem(await citizen!.browser.get('/v1/regulator/conflicts'), 403, 'forbidden');
    const exchange = await apiClient(server, ['attestations:read', 'identity:match', 'webhooks:manage']);
    await expectProblem(
      await api(server, exchange.key).get('/v1/regulator/conflicts'),
      403,
      'insufficient-scope',
    );
    const readOnly = await apiClient(server, ['regulator:read']);
    expect((await api(server, readOnly.key).get('/v1/regulator/conflicts')).status).toBe(200);
    await expectProblem(
      await api(server, readOnly.key).post('/v1/regulator/suspensions', {
        target: { account: 'eip155:1:0x000000000000000000000000000000000000dEaD' },
        reason: 'fraud',
        legalReference: LEGAL,
      }),
      403,
      'insufficient-scope',
    );
  });

  it('asks an officer for a fresh passkey assertion before acting', async () => {
    server.clock.advance(6 * 60);
    try {
      await expectProblem(
        await act('suspensions', {
          target: { identity: officer.identityId },
          reason: 'other',
          legalReference: LEGAL,
        }),
        403,
        'step-up-required',
      );
      expect((await officer.browser.get('/v1/regulator/conflicts')).status).toBe(200);
    } finally {
      server.clock.advance(-6 * 60);
    }
  });
});

describe('lookups', () => {
  it('finds by national ID, account and binding, shows the decrypted identity, and audits each lookup', async () => {
    const [person] = await signedInCitizens(server, 1);
    const { linked } = await citizenWithAccounts(server, 1, person!.browser);
    const byId = await officer.browser.post('/v1/regulator/lookups', { nationalId: person!.nationalId });
    expect(byId.status).toBe(200);
    const found = await json<{ identity: { id: string; nationalId: string }; bindings: { id: string }[] }>(
      byId,
    );
    expect(found.identity).toMatchObject({ id: person!.identityId, nationalId: person!.nationalId });
    expect(found.bindings.map((b) => b.id)).toEqual([linked[0]!.bindingId]);

    const byAccount = await json<{ identities: { id: string }[] }>(
      await api(server, system.key).get(`/v1/regulator/accounts/${linked[0]!.account}`, accessHeaders()),
    );
    expect(byAccount.identities.map((i) => i.id)).toEqual([person!.identityId]);
    const byBinding = await json<{ binding: { id: string } }>(
      await officer.browser.get(`/v1/regulator/bindings/${linked[0]!.bindingId}`),
    );
    expect(byBinding.binding.id).toBe(linked[0]!.bindingId);

    const lookups = (await listAudit(server.assembled.db, { subjectId: person!.identityId })).filter(
      (entry) => entry.action === 'regulator.lookup',
    );
    expect(lookups.map((e) => [e.actorId, e.details.by, e.details.via])).toEqual([
      [officer.identityId, 'national_id', 'officer'],
      [system.id, 'account', 'api-key'],
      [officer.identityId, 'binding', 'officer'],
    ]);
    for (const entry of lookups) expect(entry.details).toMatchObject(TEST_ACCESS);
    expect(JSON.stringify(lookups)).not.toContain(person!.nationalId);
  });

  it('refuses bad lookups clearly', async () => {
    await expectProblem(
      await officer.browser.post('/v1/regulator/lookups', { nationalId: '123' }),
      422,
      'invalid-national-id',
    );
    await expectProblem(
      await officer.browser.post('/v1/regulator/lookups', { nationalId: '850315300019' }),
      404,
      'not-found',
    );
    await expectProblem(await officer.browser.post('/v1/regulator/lookups', {}), 422, 'validation-failed');
    await expectProblem(await officer.browser.get('/v1/regulator/accounts/nope'), 422, 'invalid-account');
    await expectProblem(await officer.browser.get('/v1/regulator/bindings/nope'), 404, 'not-found');
  });
});

describe('purpose and case', () => {
  const lookupsOf = async (identityId: string) =>
    (await listAudit(server.assembled.db, { subjectId: identityId })).filter(
      (entry) => entry.action === 'regulator.lookup',
    );

  it('refuses a regulator key’s lookup or action without a purpose and case, before reading or changing anything', async () => {
    const { identityId, linked, tokens } = await linkedWithTokens(1);
    const account = linked[0]!.account;
    const key = api(server, system.key);
    const missing = await expectProblem(
      await key.get(`/v1/regulator/accounts/${account}`),
      400,
      'access-purpose-required',
    );
    expect(missing.errors).toEqual([{ pointer: '/Access-Purpose' }, { pointer: '/Case-Reference' }]);
    expect(missing.purposes).toContain('aml_investigation');
    const onlyPurpose = await expectProblem(
      await key.get(`/v1/regulator/accounts/${account}`, { 'access-purpose': 'aml_investigation' }),
      400,
      'access-purpose-required',
    );
    expect(onlyPurpose.errors).toEqual([{ pointer: '/Case-Reference' }]);
    for (const [headers, pointer] of [
      [{ 'access-purpose': 'curiosity', 'case-reference': 'AFM-1' }, '/Access-Purpose'],
      [{ 'access-purpose': 'aml_investigation', 'case-reference': '-leading' }, '/Case-Reference'],
      [{ 'access-purpose': 'aml_investigation', 'case-reference': 'A'.repeat(65) }, '/Case-Reference'],
      [{ 'access-purpose': 'aml_investigation', 'case-reference': 'AFM<1>' }, '/Case-Reference'],
    ] as const) {
      const refused = await expectProblem(
        await key.get(`/v1/regulator/accounts/${account}`, headers),
        400,
        'access-purpose-required',
      );
      expect(refused.errors).toEqual([{ pointer }]);
    }
    await expectProblem(
      await key.post('/v1/regulator/lookups', { nationalId: '850315300019' }),
      400,
      'access-purpose-required',
    );
    await expectProblem(
      await key.post('/v1/regulator/suspensions', {
        target: { account },
        reason: 'fraud',
        legalReference: LEGAL,
      }),
      400,
      'access-purpose-required',
    );
    // Nothing was looked up, nothing changed.
    expect(await lookupsOf(identityId)).toEqual([]);
    expect(await statusOf(tokens[0]!.jwt)).toBe('valid');

    const accepted = await key.get(`/v1/regulator/accounts/${account}`, {
      'access-purpose': 'court_request',
      'case-reference': '2-1234/26',
    });
    expect(accepted.status).toBe(200);
    expect((await lookupsOf(identityId)).map((e) => e.details)).toEqual([
      expect.objectContaining({ via: 'api-key', purpose: 'court_request', caseReference: '2-1234/26' }),
    ]);
  });

  it('files an officer’s lookups and actions under the open case, or under the headers when they are sent', async () => {
    const { identityId, linked, tokens } = await linkedWithTokens(1);
    const [bare] = await signedInCitizens(server, 1);
    // A second officer who has not opened a case is refused until they do.
    await setRegulatorRole(server.assembled.services, bare!.nationalId, true);
    await expectProblem(
      await bare!.browser.get(`/v1/regulator/bindings/${linked[0]!.bindingId}`),
      400,
      'access-purpose-required',
    );
    await expectProblem(
      await act(
        'suspensions',
        { target: { account: linked[0]!.account }, reason: 'fraud', legalReference: LEGAL },
        bare!.browser,
      ),
      400,
      'access-purpose-required',
    );
    expect(await statusOf(tokens[0]!.jwt)).toBe('valid');
    expect(await lookupsOf(identityId)).toEqual([]);

    openCaseIn(server, bare!.browser, { purpose: 'sanctions_screening', caseReference: 'SAN-77' });
    expect((await bare!.browser.get(`/v1/regulator/bindings/${linked[0]!.bindingId}`)).status).toBe(200);
    const suspended = await act(
      'suspensions',
      { target: { account: linked[0]!.account }, reason: 'sanctions', legalReference: LEGAL },
      bare!.browser,
    );
    expect(suspended.status).toBe(200);
    expect(
      (
        await bare!.browser.get(`/v1/regulator/bindings/${linked[0]!.bindingId}`, {
          headers: accessHeaders({ purpose: 'court_request', caseReference: 'COURT-9' }),
        })
      ).status,
    ).toBe(200);

    const entries = await listAudit(server.assembled.db, { subjectId: linked[0]!.bindingId });
    expect(entries.find((e) => e.action === 'binding.suspended')?.details).toMatchObject({
      via: 'officer',
      purpose: 'sanctions_screening',
      caseReference: 'SAN-77',
    });
    expect((await lookupsOf(identityId)).map((e) => [e.details.purpose, e.details.caseReference])).toEqual([
      ['sanctions_screening', 'SAN-77'],
      ['court_request', 'COURT-9'],
    ]);

    // Signing out ends the open case with the session.
    const out = await bare!.browser.post('/v1/session/logout');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((line) => /wa_case=;/.test(line))).toBe(true);
  });
});

describe('actions', () => {
  it('suspends, reinstates and revokes one attestation, idempotently; revocation is final', async () => {
    const { tokens, linked } = await linkedWithTokens(2);
    const target = { attestation: tokens[0]!.id };
    const suspended = await json<{ changed: { attestations: string[] } }>(
      await act('suspensions', { target, reason: 'fraud', legalReference: LEGAL }),
    );
    expect(suspended.changed.attestations).toEqual([tokens[0]!.id]);
    expect(await statusOf(tokens[0]!.jwt)).toBe('suspended');
    expect(await statusOf(tokens[1]!.jwt)).toBe('valid');
    const again = await json<{
      changed: { attestations: string[] };
      unchanged: { attestations: string[] };
      summary: string;
    }>(await act('suspensions', { target, reason: 'fraud', legalReference: LEGAL }));
    expect(again.changed.attestations).toEqual([]);
    expect(again.unchanged.attestations).toEqual([tokens[0]!.id]);
    expect(again.summary).toMatch(/Nothing changed/);

    await act('reinstatements', { target, reason: 'other', legalReference: LEGAL });
    expect(await statusOf(tokens[0]!.jwt)).toBe('valid');
    await act('revocations', { target, reason: 'key_compromise', legalReference: LEGAL });
    expect(await statusOf(tokens[0]!.jwt)).toBe('revoked');
    await expectProblem(
      await act('reinstatements', { target, reason: 'other', legalReference: LEGAL }),
      409,
      'revocation-final',
    );
    await expectProblem(
      await act('suspensions', { target, reason: 'other', legalReference: LEGAL }),
      409,
      'revocation-final',
    );
    // The binding itself is untouched.
    const binding = await server.assembled.db
      .selectFrom('bindings')
      .select('status')
      .where('id', '=', linked[0]!.bindingId)
      .executeTakeFirstOrThrow();
    expect(binding.status).toBe('active');
  });

  it('acts on every attestation of an account, and notifies exchanges that looked it up', async () => {
    const { tokens, linked } = await linkedWithTokens(1);
    const exchange = await apiClient(server, ['attestations:read', 'webhooks:manage']);
    const receiver = await webhookReceiver(server.clock);
    const created = await json<{ webhook: { id: string } }>(
      await api(server, exchange.key).post('/v1/webhooks', { url: receiver.url }),
    );
    await api(server, exchange.key).get(`/v1/attestations/${linked[0]!.account}`);
    await server.assembled.services.queryLog.flush();

    const target = { account: linked[0]!.account };
    const result = await json<{ changed: { bindings: string[] } }>(
      await act('suspensions', { target, reason: 'sanctions', legalReference: LEGAL }),
    );
    expect(result.changed.bindings).toEqual([linked[0]!.bindingId]);
    expect(await statusOf(tokens[0]!.jwt)).toBe('suspended');
    const outbox = await server.assembled.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', created.webhook.id)
      .execute();
    expect(outbox.map((row) => JSON.parse(row.payload).data)).toEqual([
      { account: linked[0]!.account, status: 'suspended', previousStatus: 'active', reason: 'sanctions' },
    ]);
    expect(
      (
        await json<{ unchanged: { bindings: string[] } }>(
          await act('suspensions', { target, reason: 'sanctions', legalReference: LEGAL }),
        )
      ).unchanged.bindings,
    ).toEqual([linked[0]!.bindingId]);
    await act('reinstatements', { target, reason: 'other', legalReference: LEGAL });
    expect(await statusOf(tokens[0]!.jwt)).toBe('valid');
    await act('revocations', { target, reason: 'fraud', legalReference: LEGAL });
    expect(await statusOf(tokens[0]!.jwt)).toBe('revoked');
    await expectProblem(
      await act('reinstatements', { target, reason: 'other', legalReference: LEGAL }),
      409,
      'revocation-final',
    );
    // Revoking again changes nothing and says so.
    expect(
      (
        await json<{ summary: string }>(
          await act('revocations', { target, reason: 'fraud', legalReference: LEGAL }),
        )
      ).summary,
    ).toMatch(/Nothing changed/);
    await receiver.close();
  });

  it('revokes every attestation of an identity and blocks new links until a regulator lifts it', async () => {
    const { tokens, identityId, browser } = await linkedWithTokens(2);
    const suspended = await json<{ changed: { bindings: string[] } }>(
      await act('suspensions', {
        target: { identity: identityId },
        reason: 'identity_compromised',
        legalReference: LEGAL,
      }),
    );
    expect(suspended.changed.bindings).toHaveLength(2);
    expect(await statusOf(tokens[1]!.jwt)).toBe('suspended');
    await act('reinstatements', { target: { identity: identityId }, reason: 'other', legalReference: LEGAL });
    expect(await statusOf(tokens[1]!.jwt)).toBe('valid');

    const revoked = await json<{ changed: { bindings: string[] }; identityBlocked: boolean }>(
      await api(server, system.key).post(
        '/v1/regulator/revocations',
        { target: { identity: identityId }, reason: 'fraud', legalReference: LEGAL },
        accessHeaders(),
      ),
    );
    expect(revoked.changed.bindings).toHaveLength(2);
    expect(revoked.identityBlocked).toBe(true);
    for (const token of tokens) expect(await statusOf(token.jwt)).toBe('revoked');

    const signer = privateKeyToAccount(generatePrivateKey());
    await expectProblem(
      await browser.post('/v1/wallets/challenge', { account: `eip155:1:${signer.address}` }),
      403,
      'identity-link-blocked',
    );
    expect(
      await json(
        await act('link-block-lifts', { identity: identityId, reason: 'court_order', legalReference: LEGAL }),
      ),
    ).toEqual({ lifted: true });
    expect(
      await json(
        await act('link-block-lifts', { identity: identityId, reason: 'court_order', legalReference: LEGAL }),
      ),
    ).toEqual({ lifted: false });
    const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
    const linked = await submitSignature(
      browser,
      challenge.message,
      await signer.signMessage({ message: challenge.message }),
    );
    expect(linked.status).toBe(201);

    const actions = (await listAudit(server.assembled.db, { subjectId: identityId })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['identity.link_blocked', 'identity.link_block_lifted']));
  });

  it.each([
    [
      {
        target: { account: 'eip155:1:0x000000000000000000000000000000000000dEaD' },
        reason: 'fraud',
        legalReference: LEGAL,
      },
      404,
      'not-found',
    ],
    [{ target: { attestation: 'nope' }, reason: 'fraud', legalReference: LEGAL }, 404, 'not-found'],
    [{ target: { identity: 'nope' }, reason: 'fraud', legalReference: LEGAL }, 404, 'not-found'],
    [{ target: { account: 'junk' }, reason: 'fraud', legalReference: LEGAL }, 422, 'invalid-account'],
    [
      {
        target: { account: 'eip155:1:0x000000000000000000000000000000000000dEaD' },
        reason: 'because',
        legalReference: LEGAL,
      },
      422,
      'validation-failed',
    ],
    [
      { target: { account: 'eip155:1:0x000000000000000000000000000000000000dEaD' }, reason: 'fraud' },
      422,
      'validation-failed',
    ],
    [
      { target: { account: 'x', identity: 'y' }, reason: 'fraud', legalReference: LEGAL },
      422,
      'validation-failed',
    ],
    [{ target: {}, reason: 'fraud', legalReference: LEGAL }, 422, 'validation-failed'],
  ])('refuses %j', async (body, status, slug) => {
    await expectProblem(await act('revocations', body), status, slug);
  });
});

describe('conflicts', () => {
  async function conflict() {
    const [holder, claimant] = await signedInCitizens(server, 2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:1:${signer.address}`;
    const sign = async (browser: TestBrowser) => {
      const challenge = await askChallenge(browser, account);
      return submitSignature(
        browser,
        challenge.message,
        await signer.signMessage({ message: challenge.message }),
      );
    };
    expect((await sign(holder!.browser)).status).toBe(201);
    expect((await sign(claimant!.browser)).status).toBe(409);
    const { conflicts } = await json<{ conflicts: { id: string; account: string }[] }>(
      await officer.browser.get('/v1/regulator/conflicts?status=open'),
    );
    return { id: conflicts.find((c) => c.account === account)!.id, claimant: claimant!, sign };
  }

  it('revokes the existing binding so the claimant can link', async () => {
    const { id, claimant, sign } = await conflict();
    const resolved = await json<{ conflict: { status: string; resolution: string }; changed: boolean }>(
      await act(`conflicts/${id}/resolution`, {
        resolution: 'revoke_existing',
        reason: 'fraud',
        legalReference: LEGAL,
      }),
    );
    expect(resolved).toMatchObject({
      changed: true,
      conflict: { status: 'resolved', resolution: 'revoke_existing' },
    });
    expect((await sign(claimant.browser)).status).toBe(201);
    const repeat = await json<{ changed: boolean }>(
      await act(`conflicts/${id}/resolution`, {
        resolution: 'dismiss',
        reason: 'other',
        legalReference: LEGAL,
      }),
    );
    expect(repeat.changed).toBe(false);
  });

  it('dismisses a report and leaves the binding alone', async () => {
    const { id, claimant, sign } = await conflict();
    await act(`conflicts/${id}/resolution`, {
      resolution: 'dismiss',
      reason: 'other',
      legalReference: LEGAL,
    });
    expect((await sign(claimant.browser)).status).toBe(409);
    const { conflicts } = await json<{ conflicts: { id: string; status: string }[] }>(
      await officer.browser.get('/v1/regulator/conflicts?status=dismissed'),
    );
    expect(conflicts.map((c) => c.id)).toContain(id);
    await expectProblem(
      await officer.browser.get('/v1/regulator/conflicts?status=weird'),
      422,
      'validation-failed',
    );
    await expectProblem(
      await act('conflicts/nope/resolution', {
        resolution: 'dismiss',
        reason: 'other',
        legalReference: LEGAL,
      }),
      404,
      'not-found',
    );
  });
});

describe('exchange query logs', () => {
  it('searches by account, client and time range, and exports CSV', async () => {
    const exchange = await apiClient(server, ['attestations:read']);
    const { linked } = await citizenWithAccounts(server, 2);
    const start = server.clock.now().toISOString();
    await api(server, exchange.key).get(`/v1/attestations/${linked[0]!.account}`);
    await api(server, exchange.key).post('/v1/attestations/query', {
      accounts: [linked[0]!.account, linked[1]!.account],
    });
    await server.assembled.services.queryLog.flush();

    const byAccount = await json<{ queries: { clientId: string; kind: string; result: string }[] }>(
      await officer.browser.get(`/v1/regulator/query-log?account=${linked[0]!.account}`),
    );
    expect(byAccount.queries.map((q) => [q.clientId, q.kind, q.result])).toEqual([
      [exchange.id, 'lookup', 'active'],
      [exchange.id, 'batch', 'active'],
    ]);
    const byClient = await json<{ queries: unknown[] }>(
      await officer.browser.get(`/v1/regulator/query-log?client=${exchange.id}&from=${start}`),
    );
    expect(byClient.queries).toHaveLength(3);
    const future = new Date(server.clock.now().getTime() + 60_000).toISOString();
    expect(
      (
        await json<{ queries: unknown[] }>(
          await officer.browser.get(`/v1/regulator/query-log?client=${exchange.id}&from=${future}`),
        )
      ).queries,
    ).toEqual([]);
    expect(
      (
        await json<{ queries: unknown[] }>(
          await officer.browser.get(`/v1/regulator/query-log?client=${exchange.id}&to=${start}`),
        )
      ).queries,
    ).toEqual([]);

    const csv = await officer.browser.get(`/v1/regulator/query-log?client=${exchange.id}&format=csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,client_id,kind,account,result');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`"${linked[0]!.account}"`);

    await expectProblem(
      await officer.browser.get('/v1/regulator/query-log?from=yesterday'),
      422,
      'validation-failed',
    );
    await expectProblem(
      await officer.browser.get('/v1/regulator/query-log?limit=0'),
      422,
      'validation-failed',
    );
    await expectProblem(
      await officer.browser.get('/v1/regulator/query-log?format=xml'),
      422,
      'validation-failed',
    );
  });

  it('reads the audit log in pages', async () => {
    const first = await json<{ entries: { seq: number }[] }>(
      await officer.browser.get('/v1/regulator/audit?limit=5'),
    );
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const next = await json<{ entries: { seq: number }[] }>(
      await officer.browser.get('/v1/regulator/audit?afterSeq=5&limit=2'),
    );
    expect(next.entries.map((e) => e.seq)).toEqual([6, 7]);
    await expectProblem(
      await officer.browser.get('/v1/regulator/audit?afterSeq=-1'),
      422,
      'validation-failed',
    );
  });
});

describe('the audit trail of all of the above', () => {
  it('holds no national ID in clear, and still chains', async () => {
    const rows = await server.assembled.db.selectFrom('audit_log').selectAll().execute();
    const text = JSON.stringify(rows);
    const persons = await server.assembled.db
      .selectFrom('identities')
      .select('national_id_ciphertext')
      .execute();
    expect(persons.length).toBeGreaterThan(5);
    for (const person of persons) {
      const nationalId = await server.assembled.services.protector.decrypt(
        person.national_id_ciphertext,
        'identity.national_id',
      );
      expect(text).not.toContain(nationalId);
    }
    expect(await findChainBreak(await listAudit(server.assembled.db))).toBeUndefined();
  });
});
