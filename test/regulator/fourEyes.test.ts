// Four eyes over real HTTP: revoking an identity, lifting a link block and granting the
// regulator role become pending actions that only a second officer, in person and within
// the time limit, can approve; the approval carries the action out through the same
// services, and its audit entries name both officers. Configurable per action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChainBreak } from '../../src/domain/audit/auditChain.js';
import { cookiePolicy } from '../../src/http/cookies.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { api, apiClient, citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { steppedUpSession, syntheticIins } from '../helpers/citizens.js';
import { accessHeaders, openCaseIn } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';

const APPROVAL_SECONDS = 300;
const LEGAL = 'Court of Astana, case 2-77/2026';

interface Pending {
  id: string;
  kind: string;
  identity: string;
  status: string;
  requestedBy: string;
  approvedBy?: string;
  expiresAt: string;
}
type Officer = { browser: TestBrowser; identityId: string; nationalId: string };

let server: TestServer;
let first: Officer;
let second: Officer;
let system: { id: string; key: string };

async function officer(target: TestServer): Promise<Officer> {
  const [person] = await signedInCitizens(target, 1);
  await setRegulatorRole(target.assembled.services, person!.nationalId, true);
  openCaseIn(target, person!.browser);
  return person!;
}

/** The officer signed in again now (a fresh passkey step-up), e.g. after the clock moved. */
async function freshly(target: TestServer, person: Officer): Promise<Officer> {
  const browser = target.browser();
  const { token } = await steppedUpSession(target.assembled.services, person.nationalId);
  browser.cookies.set(cookiePolicy(target.assembled.services.config).session, token);
  openCaseIn(target, browser);
  return { ...person, browser };
}

const approve = (who: Officer, id: string) =>
  who.browser.post(`/v1/regulator/pending-actions/${id}/approval`, {});

async function identityRow(id: string) {
  return server.assembled.db
    .selectFrom('identities')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  server = await startTestServer({ FOUR_EYES_APPROVAL_SECONDS: String(APPROVAL_SECONDS) });
  first = await officer(server);
  second = await officer(server);
  system = await apiClient(server, ['regulator:read', 'regulator:act']);
});
afterAll(() => server.close());

describe('revoking an identity', () => {
  it('waits for a second officer, who alone can carry it out; both are in the audit entries', async () => {
    const citizen = await citizenWithAccounts(server, 1);
    const [{ bindingId }] = citizen.linked as [{ bindingId: string; account: string }];
    const holder = (
      await server.assembled.db
        .selectFrom('bindings')
        .select('identity_id')
        .where('id', '=', bindingId)
        .executeTakeFirstOrThrow()
    ).identity_id;

    const asked = await first.browser.post('/v1/regulator/revocations', {
      target: { identity: holder },
      reason: 'fraud',
      legalReference: LEGAL,
    });
    expect(asked.status, await asked.clone().text()).toBe(202);
    const { pending } = await json<{ pending: Pending }>(asked);
    expect(pending).toMatchObject({
      kind: 'identity_revocation',
      identity: holder,
      status: 'pending',
      requestedBy: first.identityId,
    });
    // Nothing has changed yet.
    const bindingStatus = async () =>
      (
        await server.assembled.db
          .selectFrom('bindings')
          .select('status')
          .where('id', '=', bindingId)
          .executeTakeFirstOrThrow()
      ).status;
    expect(await bindingStatus()).toBe('active');
    expect((await identityRow(holder)).link_blocked_at).toBeNull();
    // Nor does the person learn of a request that may never be approved.
    const own = await json<{ entries: { action: string }[] }>(await citizen.browser.get('/v1/me/audit'));
    expect(own.entries.some((e) => e.action.startsWith('regulator.approval'))).toBe(false);
    const listed = await json<{ pending: Pending[] }>(
      await second.browser.get('/v1/regulator/pending-actions'),
    );
    expect(listed.pending.map((p) => p.id)).toContain(pending.id);

    // Not by the officer who asked, nor by a regulator system's key.
    await expectProblem(await approve(first, pending.id), 403, 'four-eyes-self-approval');
    await expectProblem(
      await api(server, system.key).post(
        `/v1/regulator/pending-actions/${pending.id}/approval`,
        {},
        accessHeaders(),
      ),
      403,
      'forbidden',
    );
    expect(await bindingStatus()).toBe('active');

    const approved = await approve(second, pending.id);
    expect(approved.status, await approved.clone().text()).toBe(200);
    const answer = await json<{ pending: Pending; result: { changed: { bindings: string[] } } }>(approved);
    expect(answer.pending).toMatchObject({ status: 'approved', approvedBy: second.identityId });
    expect(answer.result.changed.bindings).toEqual([bindingId]);
    expect(await bindingStatus()).toBe('revoked');
    expect((await identityRow(holder)).link_blocked_at).not.toBeNull();

    const entries = await listAudit(server.assembled.db);
    const carriedOut = entries.filter((e) => e.details.pendingActionId === pending.id);
    expect(carriedOut.map((e) => e.action).sort()).toEqual(['binding.revoked', 'identity.link_blocked']);
    for (const entry of carriedOut) {
      expect(entry.actorId).toBe(first.identityId);
      expect(entry.details.approvedBy).toBe(second.identityId);
      expect(entry.details.legalReference).toBe(LEGAL);
    }
    const given = entries.find((e) => e.action === 'regulator.approval_given' && e.subjectId === pending.id);
    expect(given).toMatchObject({ actorId: second.identityId, details: { requestedBy: first.identityId } });
    expect(
      entries.some((e) => e.action === 'regulator.approval_requested' && e.subjectId === pending.id),
    ).toBe(true);
    expect(await findChainBreak(entries)).toBeUndefined();
    // Once carried out, the person sees the revocation (without either officer).
    const seen = await json<{ entries: { action: string; actorId: string | null }[] }>(
      await citizen.browser.get('/v1/me/audit'),
    );
    expect(seen.entries.find((e) => e.action === 'binding.revoked')).toMatchObject({ actorId: null });
    expect(JSON.stringify(seen)).not.toContain(second.identityId);

    // Once carried out it is closed, to anyone.
    const third = await officer(server);
    await expectProblem(await approve(third, pending.id), 409, 'approval-closed');
    expect(
      (
        await json<{ pending: Pending[] }>(await second.browser.get('/v1/regulator/pending-actions'))
      ).pending.map((p) => p.id),
    ).not.toContain(pending.id);
  });
});

describe('lifting a link block', () => {
  it('is refused after the time limit, and the block stays', async () => {
    const [person] = await signedInCitizens(server, 1);
    const revoke = await api(server, system.key).post(
      '/v1/regulator/revocations',
      { target: { identity: person!.identityId }, reason: 'fraud', legalReference: LEGAL },
      accessHeaders(),
    );
    const { pending: revocation } = await json<{ pending: Pending }>(revoke);
    expect((await approve(second, revocation.id)).status).toBe(200);

    const lift = await first.browser.post('/v1/regulator/link-block-lifts', {
      identity: person!.identityId,
      reason: 'other',
      legalReference: LEGAL,
    });
    expect(lift.status).toBe(202);
    const { pending } = await json<{ pending: Pending }>(lift);
    expect(pending.kind).toBe('link_block_lift');

    server.clock.advance(APPROVAL_SECONDS + 1);
    try {
      const later = await freshly(server, second);
      await expectProblem(await approve(later, pending.id), 409, 'approval-expired');
      const state = await json<{ pending: Pending }>(
        await later.browser.get(`/v1/regulator/pending-actions/${pending.id}`),
      );
      expect(state.pending.status).toBe('expired');
      expect((await identityRow(person!.identityId)).link_blocked_at).not.toBeNull();
    } finally {
      server.clock.advance(-(APPROVAL_SECONDS + 1));
    }

    // Asked again and approved in time, it is lifted.
    const again = await json<{ pending: Pending }>(
      await first.browser.post('/v1/regulator/link-block-lifts', {
        identity: person!.identityId,
        reason: 'other',
        legalReference: LEGAL,
      }),
    );
    const done = await approve(second, again.pending.id);
    expect(await json(done)).toMatchObject({ result: { lifted: true } });
    expect((await identityRow(person!.identityId)).link_blocked_at).toBeNull();
  });
});

describe('granting the regulator role', () => {
  it('makes a person an officer only once a second officer approves', async () => {
    const [person] = await signedInCitizens(server, 1);
    const asked = await first.browser.post('/v1/regulator/role-grants', { nationalId: person!.nationalId });
    expect(asked.status).toBe(202);
    const { pending } = await json<{ pending: Pending }>(asked);
    expect(pending).toMatchObject({ kind: 'regulator_grant', identity: person!.identityId });
    expect(JSON.stringify(pending)).not.toContain(person!.nationalId);
    await expectProblem(await person!.browser.get('/v1/regulator/conflicts'), 403, 'forbidden');

    const approved = await approve(second, pending.id);
    expect(await json(approved)).toMatchObject({ result: { identityId: person!.identityId, changed: true } });
    expect((await person!.browser.get('/v1/regulator/conflicts')).status).toBe(200);
    const entry = (await listAudit(server.assembled.db)).find(
      (e) => e.action === 'identity.regulator_role_granted' && e.subjectId === person!.identityId,
    );
    expect(entry).toMatchObject({
      actorType: 'regulator',
      actorId: first.identityId,
      details: { approvedBy: second.identityId, pendingActionId: pending.id },
    });
  });

  it('refuses bad input and unknown people with a clear problem', async () => {
    await expectProblem(await first.browser.post('/v1/regulator/role-grants', {}), 422, 'validation-failed');
    await expectProblem(
      await first.browser.post('/v1/regulator/role-grants', { nationalId: '900101300001', extra: 1 }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await first.browser.post('/v1/regulator/role-grants', { nationalId: '12345' }),
      422,
      'invalid-national-id',
    );
    await expectProblem(
      await first.browser.post('/v1/regulator/role-grants', { nationalId: syntheticIins(1)[0] }),
      404,
      'not-found',
    );
    await expectProblem(await approve(second, 'no-such-action'), 404, 'not-found');
    await expectProblem(
      await second.browser.get('/v1/regulator/pending-actions/no-such-action'),
      404,
      'not-found',
    );
    await expectProblem(
      await api(server, system.key).post('/v1/regulator/role-grants', { nationalId: first.nationalId }),
      400,
      'access-purpose-required',
    );
  });
});

describe('access rules', () => {
  it('keeps citizens and exchanges away from pending actions', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const exchange = await apiClient(server, ['attestations:read', 'identity:match', 'webhooks:manage']);
    for (const [method, path] of [
      ['GET', '/v1/regulator/pending-actions'],
      ['GET', '/v1/regulator/pending-actions/x'],
      ['POST', '/v1/regulator/pending-actions/x/approval'],
      ['POST', '/v1/regulator/role-grants'],
    ] as const) {
      const body =
        method === 'POST' ? { json: { nationalId: citizen!.nationalId }, headers: accessHeaders() } : {};
      await expectProblem(await citizen!.browser.request(method, path, body), 403, 'forbidden');
      const asExchange =
        method === 'GET'
          ? await api(server, exchange.key).get(path)
          : await api(server, exchange.key).post(path, { nationalId: citizen!.nationalId }, accessHeaders());
      await expectProblem(asExchange, 403, 'insufficient-scope');
      const anonymous =
        method === 'GET'
          ? await api(server, undefined).get(path)
          : await api(server, undefined).post(path, {});
      await expectProblem(anonymous, 401, 'authentication-required');
    }
  });
});

describe('configured per action', () => {
  it('lets one officer revoke an identity where only link-block lifts need four eyes', async () => {
    const partial = await startTestServer({ FOUR_EYES_ACTIONS: 'link_block_lift' });
    try {
      const lone = await officer(partial);
      const [person] = await signedInCitizens(partial, 1);
      const revoked = await lone.browser.post('/v1/regulator/revocations', {
        target: { identity: person!.identityId },
        reason: 'fraud',
        legalReference: LEGAL,
      });
      expect(revoked.status).toBe(200);
      expect(await json(revoked)).toMatchObject({ identityBlocked: true });
      const lift = await lone.browser.post('/v1/regulator/link-block-lifts', {
        identity: person!.identityId,
        reason: 'other',
        legalReference: LEGAL,
      });
      expect(lift.status).toBe(202);
      const grant = await lone.browser.post('/v1/regulator/role-grants', { nationalId: person!.nationalId });
      expect(await json(grant)).toEqual({ identityId: person!.identityId, changed: true });
    } finally {
      await partial.close();
    }
  });
});
