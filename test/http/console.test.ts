// The regulator console over real HTTP: each page's access rule (no session → the
// console's sign-in and back, a citizen → a 403 page that says why, an officer → the
// page), bad inputs answered with human pages, every lookup audited, the confirmation
// step's plan equal to what the action then changes, and the dashboard's daily counts.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { openCaseIn, TEST_ACCESS } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { json } from './citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from './walletFlow.js';

let server: TestServer;
let officer: { browser: TestBrowser; identityId: string; nationalId: string };
let citizen: { browser: TestBrowser; identityId: string; nationalId: string };
let linked: { account: string; bindingId: string }[];

const LEGAL = 'Court of Astana, case 2-1234/2026';

beforeAll(async () => {
  server = await startTestServer();
  const [person, other] = await signedInCitizens(server, 2);
  await setRegulatorRole(server.assembled.services, person!.nationalId, true);
  officer = person!;
  openCaseIn(server, officer.browser);
  citizen = other!;
  linked = (await citizenWithAccounts(server, 2, citizen.browser)).linked;
});
afterAll(() => server.close());

function pages() {
  return [
    '/regulator',
    `/regulator/identities/${citizen.identityId}`,
    `/regulator/accounts/${encodeURIComponent(linked[0]!.account)}`,
    `/regulator/bindings/${linked[0]!.bindingId}`,
    `/regulator/act?action=suspend&target=identity&id=${citizen.identityId}`,
    '/regulator/conflicts',
    '/regulator/query-log',
    '/regulator/audit',
    '/regulator/audit/1',
    '/regulator/dashboard',
    '/regulator/case',
  ];
}

async function html(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

describe('access', () => {
  it('sends a browser without a session to the console sign-in, with the way back', async () => {
    const anonymous = server.browser();
    for (const path of pages()) {
      const response = await anonymous.get(path, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(303);
      const location = new URL(response.headers.get('location')!, server.baseUrl);
      expect(location.pathname).toBe('/regulator/sign-in');
      expect(location.searchParams.get('next')).toBe(path);
    }
    const search = await anonymous.post('/regulator/search', undefined, {
      body: `q=${citizen.nationalId}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(search.status).toBe(303);
    // The national ID typed into the form never travels into an address.
    expect(search.headers.get('location')).toBe('/regulator/sign-in?next=%2Fregulator');
    const signIn = await anonymous.get('/regulator/sign-in?next=%2Fregulator%2Fconflicts');
    expect(signIn.status).toBe(200);
    expect(await html(signIn)).toContain('data-next="/regulator/conflicts"');
  });

  it('returns only into the console after signing in', async () => {
    const anonymous = server.browser();
    for (const next of [
      'https://evil.example/',
      '//evil.example/regulator',
      '/account',
      '/regulator/../account',
    ]) {
      const page = await html(await anonymous.get(`/regulator/sign-in?next=${encodeURIComponent(next)}`));
      expect(page, next).toContain('data-next="/regulator"');
    }
  });

  it('shows a citizen a page saying the console is for officers', async () => {
    for (const path of pages()) {
      const response = await citizen.browser.get(path, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(403);
      const page = await html(response);
      expect(page).toContain('This console is for regulator officers');
      expect(page).not.toContain(citizen.nationalId);
    }
  });

  it('shows an officer every page, in the language asked for', async () => {
    for (const path of pages()) {
      const response = await officer.browser.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await html(response)).toContain('<html lang="en">');
    }
    const russian = await officer.browser.get('/regulator/dashboard', {
      headers: { 'accept-language': 'ru' },
    });
    expect(await html(russian)).toContain('Привязки, приостановления и отзывы по дням');
    const kazakh = await officer.browser.get('/regulator', { headers: { 'accept-language': 'kk' } });
    expect(await html(kazakh)).toContain('Адамды немесе шотты табу');
  });
});

describe('the open case', () => {
  const form = (fields: Record<string, string>) => ({
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('sends an officer without an open case to open one before any page with a person’s data, and back', async () => {
    const [person] = await signedInCitizens(server, 1);
    await setRegulatorRole(server.assembled.services, person!.nationalId, true);
    const browser = person!.browser;
    const personal = pages().filter((path) => /\/(identities|accounts|bindings|act)\b/.test(path));
    for (const path of personal) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(303);
      const location = new URL(response.headers.get('location')!, server.baseUrl);
      expect(location.pathname).toBe('/regulator/case');
      expect(location.searchParams.get('next')).toBe(path);
      expect(location.searchParams.get('needed')).toBe('1');
    }
    const search = await browser.post('/regulator/search', undefined, form({ q: citizen.nationalId }));
    expect(search.status).toBe(303);
    // The national ID typed into the form never travels into an address.
    expect(search.headers.get('location')).toBe('/regulator/case?next=%2Fregulator&needed=1');
    // Pages about no one need no case, and say that none is open.
    for (const path of ['/regulator', '/regulator/conflicts', '/regulator/audit', '/regulator/dashboard']) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(200);
      expect(await html(response)).toContain('No case is open');
    }
    const before = (await listAudit(server.assembled.db, { subjectId: citizen.identityId })).length;

    const asked = await html(
      await browser.get(`/regulator/case?next=${encodeURIComponent(personal[0]!)}&needed=1`),
    );
    expect(asked).toContain('Open a case first');
    expect(asked).toContain('<option value="aml_investigation">Money-laundering investigation</option>');
    for (const [fields, message] of [
      [{ purpose: '', caseReference: 'AFM-1' }, 'Choose a purpose'],
      [{ purpose: 'curiosity', caseReference: 'AFM-1' }, 'Choose a purpose'],
      [{ purpose: 'fraud_report', caseReference: '<script>' }, 'Choose a purpose'],
    ] as const) {
      const refused = await browser.post(
        '/regulator/case',
        undefined,
        form({ ...fields, next: personal[0]! }),
      );
      expect(refused.status).toBe(400);
      const page = await html(refused);
      expect(page).toContain(message);
      expect(page).not.toContain('<script>');
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    expect((await listAudit(server.assembled.db, { subjectId: citizen.identityId })).length).toBe(before);

    const opened = await browser.post(
      '/regulator/case',
      undefined,
      form({ purpose: 'fraud_report', caseReference: 'AFM-2026/777', next: personal[0]! }),
    );
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(personal[0]);
    const cookie = opened.headers.getSetCookie().find((line) => line.includes('wa_case='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const page = await browser.get(personal[0]!);
    expect(page.status).toBe(200);
    const text = await html(page);
    expect(text).toContain('AFM-2026/777');
    expect(text).toContain('Report of fraud');
    const lookup = (await listAudit(server.assembled.db, { subjectId: citizen.identityId })).at(-1)!;
    expect(lookup.action).toBe('regulator.lookup');
    expect(lookup.details).toMatchObject({ purpose: 'fraud_report', caseReference: 'AFM-2026/777' });

    // Only into the console, as after signing in.
    const outside = await browser.post(
      '/regulator/case',
      undefined,
      form({ purpose: 'fraud_report', caseReference: 'AFM-2026/777', next: 'https://evil.example/' }),
    );
    expect(outside.headers.get('location')).toBe('/regulator');

    const closed = await browser.post('/regulator/case', undefined, form({ close: '1' }));
    expect(closed.status).toBe(303);
    expect((await browser.get(personal[0]!)).status).toBe(303);
  });
});

describe('the case’s confidentiality', () => {
  it('shows whether the open case is confidential, until when and on which legal grounds', async () => {
    const browser = server.browser();
    for (const [name, value] of officer.browser.cookies) browser.cookies.set(name, value);
    const access = { purpose: 'court_request', caseReference: 'AFM-2026/CONF-9' } as const;
    openCaseIn(server, browser, access);
    const before = await html(await browser.get('/regulator/case'));
    expect(before).toContain('data-confidential="false"');
    expect(before).toContain('Not confidential');
    const discloseAt = new Date(server.clock.now().getTime() + 20 * 86_400_000).toISOString();
    const set = await browser.post('/v1/regulator/confidential-cases', {
      discloseAt,
      legalReference: 'Order 5/2026',
    });
    expect(set.status).toBe(200);
    const after = await html(await browser.get('/regulator/case'));
    expect(after).toContain('data-confidential="true"');
    expect(after).toContain('Order 5/2026');
    expect(after).toContain('Extend to this date');
  });
});

describe('search and detail', () => {
  function search(q: string) {
    return officer.browser.post('/regulator/search', undefined, {
      body: new URLSearchParams({ q }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  it('finds a person by national ID, with their accounts and history, and audits the search', async () => {
    const response = await search(citizen.nationalId);
    expect(response.status).toBe(200);
    const page = await html(response);
    expect(page).toContain(citizen.nationalId);
    for (const { bindingId, account } of linked) {
      expect(page).toContain(`data-binding-id="${bindingId}"`);
      expect(page).toContain(account);
    }
    expect(page).toContain('Account linked');
    const lookups = (await listAudit(server.assembled.db, { subjectId: citizen.identityId })).filter(
      (e) => e.action === 'regulator.lookup',
    );
    expect(lookups.at(-1)?.details).toMatchObject({ by: 'national_id', via: 'officer', ...TEST_ACCESS });
  });

  it('sends an account or a binding ID to its page', async () => {
    const byAccount = await search(linked[0]!.account);
    expect(byAccount.status).toBe(303);
    expect(byAccount.headers.get('location')).toBe(
      `/regulator/accounts/${encodeURIComponent(linked[0]!.account)}`,
    );
    const byBinding = await search(linked[0]!.bindingId);
    expect(byBinding.headers.get('location')).toBe(`/regulator/bindings/${linked[0]!.bindingId}`);
  });

  it('answers bad searches with the form and a human message', async () => {
    const cases: [string, number, string][] = [
      ['', 400, 'Type a national ID, an account or a binding ID.'],
      ['123456789012', 422, 'This is not a valid IIN'],
      ['x'.repeat(201), 400, 'Type a national ID'],
    ];
    for (const [q, status, text] of cases) {
      const response = await search(q);
      const page = await html(response);
      expect(response.status, q).toBe(status);
      expect(page).toContain(text);
      expect(page).toContain('id="search-query"');
    }
    const [stranger] = await signedInCitizens(server, 1);
    await server.assembled.db.deleteFrom('identities').where('id', '=', stranger!.identityId).execute();
    const missing = await search(stranger!.nationalId);
    expect(missing.status).toBe(404);
    const page = await html(missing);
    expect(page).toContain('Nothing was found');
    expect(page).not.toContain(stranger!.nationalId);
  });

  it('answers unknown or malformed targets with a console page, never a 5xx', async () => {
    for (const path of [
      '/regulator/identities/nope',
      '/regulator/bindings/nope',
      '/regulator/accounts/not-an-account',
      `/regulator/accounts/${encodeURIComponent('eip155:1:0x12')}`,
      '/regulator/audit/0',
      '/regulator/audit/abc',
      '/regulator/audit/999999',
      '/regulator/audit?afterSeq=-1',
      '/regulator/conflicts?status=maybe',
      '/regulator/query-log?from=yesterday',
      '/regulator/query-log?to=2026-13-45',
      `/regulator/query-log?account=${'a'.repeat(201)}`,
      '/regulator/dashboard?days=1',
      '/regulator/dashboard?days=1000',
      '/regulator/dashboard?days=ten',
      '/regulator/act',
      '/regulator/act?action=explode&target=identity&id=x',
      '/regulator/act?action=suspend&target=planet&id=x',
      '/regulator/act?action=suspend&target=identity',
      '/regulator/act?action=suspend&target=identity&id=nope',
      '/regulator/act?action=lift&target=identity&id=nope',
      '/regulator/act?action=dismiss&target=conflict&id=nope',
    ]) {
      const response = await officer.browser.get(path, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      const page = await html(response);
      expect(page, path).toContain('Back to search');
      expect(page, path).toContain('role="alert"');
    }
  });
});

describe('actions', () => {
  it('plans exactly what the action then changes', async () => {
    const target = { identity: citizen.identityId };
    const plan = await html(
      await officer.browser.get(`/regulator/act?action=suspend&target=identity&id=${citizen.identityId}`),
    );
    for (const { bindingId } of linked) expect(plan).toContain(`data-id="${bindingId}"`);
    expect(plan).toContain('data-endpoint="/v1/regulator/suspensions"');
    const result = await json<{ changed: { bindings: string[] } }>(
      await officer.browser.post('/v1/regulator/suspensions', {
        target,
        reason: 'fraud',
        legalReference: LEGAL,
      }),
    );
    expect(result.changed.bindings.sort()).toEqual(linked.map((l) => l.bindingId).sort());
    const again = await html(
      await officer.browser.get(`/regulator/act?action=suspend&target=identity&id=${citizen.identityId}`),
    );
    expect(again).toContain('Nothing will change');
    const reinstate = await html(
      await officer.browser.get(
        `/regulator/act?action=reinstate&target=account&id=${encodeURIComponent(linked[0]!.account)}`,
      ),
    );
    expect(reinstate).toContain(`data-id="${linked[0]!.bindingId}"`);
    expect(reinstate).toContain('suspended → active');
    await officer.browser.post('/v1/regulator/reinstatements', {
      target,
      reason: 'other',
      legalReference: LEGAL,
    });
  });

  it('refuses planning to reinstate what is revoked, with a human page', async () => {
    const [other] = await signedInCitizens(server, 1);
    const {
      linked: [one],
    } = await citizenWithAccounts(server, 1, other!.browser);
    await officer.browser.post('/v1/regulator/revocations', {
      target: { account: one!.account },
      reason: 'fraud',
      legalReference: LEGAL,
    });
    const response = await officer.browser.get(
      `/regulator/act?action=reinstate&target=account&id=${encodeURIComponent(one!.account)}`,
    );
    expect(response.status).toBe(409);
    expect(await html(response)).toContain('role="alert"');
    const identity = await html(await officer.browser.get(`/regulator/identities/${other!.identityId}`));
    expect(identity).toContain('data-status="revoked"');
  });

  it('plans a link block lift and a conflict resolution from the current state', async () => {
    const [holder, claimant] = await signedInCitizens(server, 2);
    await citizenWithAccounts(server, 1, holder!.browser);
    await officer.browser.post('/v1/regulator/revocations', {
      target: { identity: holder!.identityId },
      reason: 'sanctions',
      legalReference: LEGAL,
    });
    const lift = await html(
      await officer.browser.get(`/regulator/act?action=lift&target=identity&id=${holder!.identityId}`),
    );
    expect(lift).toContain('The person will be able to link accounts again.');
    expect(lift).toContain('data-endpoint="/v1/regulator/link-block-lifts"');
    const unblocked = await html(
      await officer.browser.get(`/regulator/act?action=lift&target=identity&id=${claimant!.identityId}`),
    );
    expect(unblocked).toContain('Nothing will change');

    // A second person proves control of an account someone else holds: a report to resolve.
    const [first, second] = await signedInCitizens(server, 2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:1:${signer.address}`;
    for (const [browser, status] of [
      [first!.browser, 201],
      [second!.browser, 409],
    ] as const) {
      const challenge = await askChallenge(browser, account);
      const response = await submitSignature(
        browser,
        challenge.message,
        await signer.signMessage({ message: challenge.message }),
      );
      expect(response.status).toBe(status);
    }
    const report = await server.assembled.db
      .selectFrom('conflict_reports')
      .select(['id', 'existing_binding_id'])
      .where('account', '=', account)
      .executeTakeFirstOrThrow();
    const revoke = await html(
      await officer.browser.get(`/regulator/act?action=revoke_existing&target=conflict&id=${report.id}`),
    );
    expect(revoke).toContain(`data-id="${report.existing_binding_id}"`);
    expect(revoke).toContain('active → revoked');
    const dismiss = await html(
      await officer.browser.get(`/regulator/act?action=dismiss&target=conflict&id=${report.id}`),
    );
    expect(dismiss).not.toContain(`data-id="${report.existing_binding_id}"`);
    expect(dismiss).toContain('closed as dismissed');
    const conflicts = await html(await officer.browser.get('/regulator/conflicts'));
    expect(conflicts).toContain(`data-conflict-id="${report.id}"`);
  });

  it('counts links, suspensions and revocations per day on the dashboard', async () => {
    const page = await html(await officer.browser.get('/regulator/dashboard?days=7'));
    const today = server.clock.now().toISOString().slice(0, 10);
    const row = page.match(new RegExp(`<tr data-day="${today}">(.*?)</tr>`))?.[1] ?? '';
    const cell = (series: string) => Number(row.match(new RegExp(`data-series="${series}">(\\d+)<`))?.[1]);
    const counts = await server.assembled.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('at', '>=', `${today}T00:00:00`)
      .execute();
    const count = (...actions: string[]) => counts.filter((c) => actions.includes(c.action)).length;
    expect(cell('links')).toBe(count('binding.created'));
    expect(cell('suspensions')).toBe(count('binding.suspended', 'attestation.suspended'));
    expect(cell('revocations')).toBe(count('binding.revoked', 'attestation.revoked'));
    expect(cell('links')).toBeGreaterThanOrEqual(3);
    expect(page).toContain('<svg');
    expect(page).toContain('<title id="chart-title">');
    expect(page).not.toMatch(/style=/);
  });
});
