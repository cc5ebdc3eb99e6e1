// The citizen's view of official access over real HTTP: regulators' lookups and actions
// shown with authority and purpose but without officer or case; lookups under a
// confidential case withheld from every citizen-facing answer (activity, audit entries,
// proofs, the Activity page) until the case's disclosure date, then shown; the date set
// and extended by the rules (future, within the maximum, later, new legal reference),
// each change audited and none of them reaching the citizen; the exchanges' queries of
// the citizen's accounts; the routes' access rules and bad inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessContext } from '../../src/domain/regulator/accessPurpose.js';
import { cookiePolicy } from '../../src/http/cookies.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { leafHashOf, verifyInclusionProof } from '../audit/independentRfc6962.js';
import { api, apiClient, citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { steppedUpSession } from '../helpers/citizens.js';
import { accessHeaders, openCaseIn, TEST_ACCESS } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';

const MAX_DAYS = 90;
const DAY = 24 * 3600;
const CONFIDENTIAL = { purpose: 'aml_investigation', caseReference: 'AFM-2026/SECRET-7' } as const;
const OPEN = { purpose: 'sanctions_screening', caseReference: 'AFM-2026/OPEN-3' } as const;

interface Activity {
  official: { seq: number; action: string; authority: string; via?: string; purpose?: string; by?: string }[];
  withheld?: number;
  exchangeQueries: { exchange: string; account: string; kind: string; at: string }[];
}
interface Entry {
  seq: number;
  action: string;
  actorId: string | null;
  details: Record<string, unknown>;
  hash: string;
  redacted?: string[];
}

let server: TestServer;
let officer: { browser: TestBrowser; identityId: string };
let system: { id: string; key: string };
let citizen: { browser: TestBrowser; identityId: string; nationalId: string; account: string };

const inDays = (days: number) => new Date(server.clock.now().getTime() + days * DAY * 1000).toISOString();

function confide(body: unknown, access: AccessContext = CONFIDENTIAL) {
  return api(server, system.key).post('/v1/regulator/confidential-cases', body, accessHeaders(access));
}

function lookUp(access: AccessContext) {
  return api(server, system.key).post(
    '/v1/regulator/lookups',
    { nationalId: citizen.nationalId },
    accessHeaders(access),
  );
}

async function regulatorEntries(action: string): Promise<Entry[]> {
  const { entries } = await json<{ entries: Entry[] }>(
    await api(server, system.key).get('/v1/regulator/audit?limit=10000'),
  );
  return entries.filter((entry) => entry.action === action);
}

/** A new browser signed in as the identity with this national ID, at the clock's present time. */
async function sessionOf(nationalId: string): Promise<TestBrowser> {
  const browser = server.browser();
  const { token } = await steppedUpSession(server.assembled.services, nationalId);
  browser.cookies.set(cookiePolicy(server.assembled.services.config).session, token);
  return browser;
}

const activityOf = async (browser: TestBrowser) => json<Activity>(await browser.get('/v1/me/activity'));

beforeAll(async () => {
  server = await startTestServer({
    ACTIVITY_SHOW_WITHHELD_COUNT: 'true',
    CASE_CONFIDENTIAL_MAX_DAYS: String(MAX_DAYS),
  });
  const [officerPerson, person] = await signedInCitizens(server, 2);
  await setRegulatorRole(server.assembled.services, officerPerson!.nationalId, true);
  officer = officerPerson!;
  openCaseIn(server, officer.browser);
  system = await apiClient(server, ['regulator:read', 'regulator:act']);
  const { linked } = await citizenWithAccounts(server, 1, person!.browser);
  citizen = { ...person!, account: linked[0]!.account };
});
afterAll(() => server.close());

describe('a confidential case', () => {
  it('withholds its lookups from the citizen until the disclosure date, then shows them', async () => {
    const set = await confide({ discloseAt: inDays(30), legalReference: 'Prosecutor sanction 12/2026' });
    expect(set.status, await set.clone().text()).toBe(200);
    expect(await json(set)).toMatchObject({
      caseReference: CONFIDENTIAL.caseReference,
      confidential: true,
      extended: false,
      legalReferences: ['Prosecutor sanction 12/2026'],
    });

    expect((await lookUp(CONFIDENTIAL)).status).toBe(200);
    expect((await lookUp(OPEN)).status).toBe(200);
    expect(
      (await officer.browser.post('/v1/regulator/lookups', { nationalId: citizen.nationalId })).status,
    ).toBe(200);
    const lookups = (await regulatorEntries('regulator.lookup')).filter((e) =>
      (e.details.identityIds as string[]).includes(citizen.identityId),
    );
    const secret = lookups.find((e) => e.details.caseReference === CONFIDENTIAL.caseReference)!;
    const open = lookups.find((e) => e.details.caseReference === OPEN.caseReference)!;
    const byOfficer = lookups.find((e) => e.actorId === officer.identityId)!;
    expect([secret, open, byOfficer].every(Boolean)).toBe(true);

    // Before the date: absent from the activity, the audit entries and the proofs.
    const before = await activityOf(citizen.browser);
    const seqs = before.official.map((o) => o.seq);
    expect(seqs).toContain(open.seq);
    expect(seqs).toContain(byOfficer.seq);
    expect(seqs).not.toContain(secret.seq);
    expect(before.withheld).toBe(1);
    expect(before.official.find((o) => o.seq === open.seq)).toEqual({
      seq: open.seq,
      at: expect.any(String),
      action: 'regulator.lookup',
      authority: 'regulator',
      via: 'api-key',
      purpose: OPEN.purpose,
      by: 'national_id',
    });
    expect(before.official.find((o) => o.seq === byOfficer.seq)?.via).toBe('officer');
    const { entries } = await json<{ entries: Entry[] }>(await citizen.browser.get('/v1/me/audit'));
    expect(entries.map((e) => e.seq)).not.toContain(secret.seq);
    await expectProblem(await citizen.browser.get(`/v1/audit/entries/${secret.seq}/proof`), 403, 'forbidden');
    const page = await (await citizen.browser.get('/activity')).text();
    expect(page).not.toContain(`data-seq="${secret.seq}"`);
    expect(page).toContain(`data-seq="${open.seq}"`);

    // Neither the officer nor any case file reaches the citizen, in any answer.
    for (const text of [JSON.stringify(before), JSON.stringify(entries), page]) {
      expect(text).not.toContain(officer.identityId);
      for (const reference of [CONFIDENTIAL.caseReference, OPEN.caseReference, TEST_ACCESS.caseReference]) {
        expect(text).not.toContain(reference);
      }
    }
    expect(entries.find((e) => e.seq === open.seq)).toMatchObject({
      actorId: null,
      redacted: ['actorId', 'details.caseReference', 'details.identityIds'],
    });

    // A shown entry's proof: the full entry's hash, provably in the signed tree.
    const proof = await json<{
      entry: Entry;
      leafHash: string;
      leafIndex: number;
      treeSize: number;
      rootHash: string;
      proof: string[];
    }>(await citizen.browser.get(`/v1/audit/entries/${open.seq}/proof`));
    expect(proof.entry.actorId).toBeNull();
    expect(proof.entry.hash).toBe(open.hash);
    expect(proof.leafHash).toBe(leafHashOf(open.hash));
    expect(
      verifyInclusionProof(proof.leafHash, proof.leafIndex, proof.treeSize, proof.proof, proof.rootHash),
    ).toBe(true);

    // After the date, shown like any other lookup (to a session opened then: the first
    // one's absolute lifetime is long over).
    server.clock.advance(31 * DAY);
    try {
      const later = await sessionOf(citizen.nationalId);
      const after = await activityOf(later);
      expect(after.official.map((o) => o.seq)).toContain(secret.seq);
      expect(after.withheld).toBe(0);
      expect((await later.get(`/v1/audit/entries/${secret.seq}/proof`)).status).toBe(200);
      const audit = await json<{ entries: Entry[] }>(await later.get('/v1/me/audit'));
      expect(audit.entries.map((e) => e.seq)).toContain(secret.seq);
      expect(JSON.stringify(audit)).not.toContain(CONFIDENTIAL.caseReference);
    } finally {
      server.clock.advance(-31 * DAY);
    }
  });

  it('is extended only to a later date within the maximum and on a new legal reference, each change audited', async () => {
    const access = { purpose: 'court_request', caseReference: 'AFM-2026/EXT-1' } as const;
    expect((await confide({ discloseAt: inDays(20), legalReference: 'Order 1' }, access)).status).toBe(200);
    await expectProblem(
      await confide({ discloseAt: inDays(40), legalReference: 'Order 1' }, access),
      422,
      'validation-failed',
    );
    await expectProblem(
      await confide({ discloseAt: inDays(10), legalReference: 'Order 2' }, access),
      422,
      'validation-failed',
    );
    await expectProblem(
      await confide({ discloseAt: inDays(MAX_DAYS + 1), legalReference: 'Order 2' }, access),
      422,
      'validation-failed',
    );
    const extended = await confide({ discloseAt: inDays(60), legalReference: 'Order 2' }, access);
    expect(await json(extended)).toMatchObject({ extended: true, legalReferences: ['Order 1', 'Order 2'] });

    const changes = (await regulatorEntries('regulator.case_confidentiality')).filter(
      (e) => e.details.caseReference === access.caseReference,
    );
    expect(changes.map((e) => e.details.legalReference)).toEqual(['Order 1', 'Order 2']);
    expect(changes[1]!.details.previousDiscloseAt).toBe(changes[0]!.details.discloseAt);
    expect(changes.every((e) => e.actorId === system.id && e.details.purpose === 'court_request')).toBe(true);

    const state = await json<{ confidential: boolean; discloseAt: string }>(
      await api(server, system.key).get(
        `/v1/regulator/confidential-cases?reference=${encodeURIComponent(access.caseReference)}`,
      ),
    );
    expect(state).toMatchObject({ confidential: true, discloseAt: changes[1]!.details.discloseAt });
    expect(
      await json(
        await api(server, system.key).get('/v1/regulator/confidential-cases?reference=AFM-2026/NONE'),
      ),
    ).toEqual({ caseReference: 'AFM-2026/NONE', confidential: false });

    // The case's own entries are about the case: no citizen's answer lists them.
    const { entries } = await json<{ entries: Entry[] }>(await citizen.browser.get('/v1/me/audit'));
    expect(entries.some((e) => e.action === 'regulator.case_confidentiality')).toBe(false);
  });

  it('refuses bad input with a clear problem and leaves the case as it was', async () => {
    const access = { purpose: 'fraud_report', caseReference: 'AFM-2026/BAD-1' } as const;
    for (const body of [
      {},
      { discloseAt: inDays(5) },
      { legalReference: 'Order' },
      { discloseAt: 'next week', legalReference: 'Order' },
      { discloseAt: inDays(-1), legalReference: 'Order' },
      { discloseAt: inDays(5), legalReference: '' },
      { discloseAt: inDays(5), legalReference: 'Order\u0007' },
      { discloseAt: inDays(5), legalReference: 'Order', caseReference: 'AFM-2026/OTHER' },
    ]) {
      await expectProblem(await confide(body, access), 422, 'validation-failed');
    }
    await expectProblem(await confide('{"discloseAt":', access), 400, 'malformed-request');
    await expectProblem(
      await api(server, system.key).post('/v1/regulator/confidential-cases', {
        discloseAt: inDays(5),
        legalReference: 'x',
      }),
      400,
      'access-purpose-required',
    );
    await expectProblem(
      await api(server, system.key).get('/v1/regulator/confidential-cases?reference=%20'),
      422,
      'validation-failed',
    );
    await expectProblem(
      await api(server, system.key).get('/v1/regulator/confidential-cases'),
      422,
      'validation-failed',
    );
    const state = await json(
      await api(server, system.key).get(
        `/v1/regulator/confidential-cases?reference=${encodeURIComponent(access.caseReference)}`,
      ),
    );
    expect(state).toEqual({ caseReference: access.caseReference, confidential: false });
  });
});

describe('access rules', () => {
  it('lets regulators set and read confidentiality, and no one else', async () => {
    const body = {
      discloseAt: new Date(Date.now() + 5 * DAY * 1000).toISOString(),
      legalReference: 'Order 9',
    };
    const path = '/v1/regulator/confidential-cases';
    await expectProblem(
      await citizen.browser.post(path, body, { headers: accessHeaders() }),
      403,
      'forbidden',
    );
    await expectProblem(await citizen.browser.get(`${path}?reference=X1`), 403, 'forbidden');
    const exchange = await apiClient(server, ['attestations:read', 'identity:match', 'webhooks:manage']);
    await expectProblem(
      await api(server, exchange.key).post(path, body, accessHeaders()),
      403,
      'insufficient-scope',
    );
    await expectProblem(
      await api(server, exchange.key).get(`${path}?reference=X1`),
      403,
      'insufficient-scope',
    );
    const readOnly = await apiClient(server, ['regulator:read']);
    await expectProblem(
      await api(server, readOnly.key).post(path, body, accessHeaders()),
      403,
      'insufficient-scope',
    );
    expect((await api(server, readOnly.key).get(`${path}?reference=X1`)).status).toBe(200);
    await expectProblem(
      await api(server, undefined).post(path, body, accessHeaders()),
      401,
      'authentication-required',
    );
    // An officer acts under the open case of the console.
    const officerSet = await officer.browser.post(path, body);
    expect(officerSet.status, await officerSet.clone().text()).toBe(200);
    expect(await json(officerSet)).toMatchObject({ caseReference: TEST_ACCESS.caseReference });
  });

  it('shows the activity only to its own signed-in citizen, as JSON and as a page', async () => {
    await expectProblem(await api(server, undefined).get('/v1/me/activity'), 401, 'authentication-required');
    await expectProblem(await api(server, system.key).get('/v1/me/activity'), 401, 'authentication-required');
    const anonymous = server.browser();
    const redirected = await anonymous.get('/activity');
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('location')).toBe('/');
    // An officer's own lookups of others are not lookups of the officer.
    expect((await activityOf(officer.browser)).official).toEqual([]);
  });
});

describe('exchanges', () => {
  it("lists each exchange's queries of the citizen's accounts, by the exchange's name", async () => {
    const exchange = await apiClient(server, ['attestations:read']);
    expect((await api(server, exchange.key).get(`/v1/attestations/${citizen.account}`)).status).toBe(200);
    await server.assembled.services.queryLog.flush();
    const { exchangeQueries } = await activityOf(citizen.browser);
    const name = (
      await server.assembled.db
        .selectFrom('api_clients')
        .select('name')
        .where('id', '=', exchange.id)
        .executeTakeFirstOrThrow()
    ).name;
    expect(exchangeQueries).toContainEqual({
      exchange: name,
      account: citizen.account,
      kind: 'lookup',
      at: expect.any(String),
    });
    const page = await (
      await citizen.browser.get('/activity', { headers: { 'accept-language': 'kk' } })
    ).text();
    expect(page).toContain('<html lang="kk"');
    expect(page).toContain(name);
    expect(page).toContain('Деректеріңізге кім жүгінді');
  });
});

describe('the withheld count', () => {
  it('is left out where the deployment does not allow it (the default)', async () => {
    const plain = await startTestServer();
    try {
      const [person] = await signedInCitizens(plain, 1);
      const activity = await json<Activity>(await person!.browser.get('/v1/me/activity'));
      expect(activity).toEqual({ official: [], exchangeQueries: [] });
    } finally {
      await plain.close();
    }
  });
});
