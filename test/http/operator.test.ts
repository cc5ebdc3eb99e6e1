// The operator API (/v1/operator/…): what the CLI does to a database, over HTTP for a
// runtime whose database the CLI cannot open (the Worker's Durable Object). Runs on SQLite,
// PostgreSQL and in workerd, and drives the CLI's OPERATOR_URL mode against it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../src/crypto/tokens.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { syntheticIins } from '../helpers/citizens.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json } from './citizenFlow.js';
import { signedInCitizens } from './walletFlow.js';

const TOKEN = newToken(32);
const ACCOUNT = 'eip155:1:0x000000000000000000000000000000000000dEaD';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ OPERATOR_TOKEN_SHA256: await hashToken(TOKEN) });
});
afterAll(() => server.close());

function operator(method: 'GET' | 'POST', path: string, body?: unknown, token = TOKEN) {
  return server.browser().request(method, path, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function expectProblem(response: Response, status: number, type: string) {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(((await response.json()) as { type: string }).type).toMatch(new RegExp(`/${type}$`));
}

interface ClientJson {
  id: string;
  keyPrefix: string;
  status: string;
  scopes: string[];
}

describe('the operator API', () => {
  it('refuses anyone without the operator token, whatever else they hold', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const created = await json<{ key: string }>(
      await operator('POST', '/v1/operator/api-clients', {
        name: 'Exchange',
        licenseNo: 'L-1',
        scopes: ['attestations:read'],
      }),
    );
    for (const path of ['/v1/operator/api-clients', '/v1/operator/regulators']) {
      await expectProblem(await server.browser().request('GET', path), 401, 'invalid-operator-token');
      await expectProblem(await operator('GET', path, undefined, `${TOKEN}x`), 401, 'invalid-operator-token');
      await expectProblem(await operator('GET', path, undefined, created.key), 401, 'invalid-operator-token');
      await expectProblem(await citizen!.browser.request('GET', path), 401, 'invalid-operator-token');
    }
    // The token's own hash is not the token.
    await expectProblem(
      await operator('GET', '/v1/operator/api-clients', undefined, await hashToken(TOKEN)),
      401,
      'invalid-operator-token',
    );
  });

  it('creates a client whose key works, lists it without its key, and revokes it', async () => {
    const created = await operator('POST', '/v1/operator/api-clients', {
      name: 'Birzha',
      licenseNo: 'AFSA-77',
      scopes: ['attestations:read', 'webhooks:manage'],
      rate: { perSecond: 5, burst: 10 },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { client, key } = await json<{ client: ClientJson; key: string }>(created);
    expect(client).toMatchObject({ status: 'active', scopes: ['attestations:read', 'webhooks:manage'] });
    const lookup = () =>
      server
        .browser()
        .request('GET', `/v1/attestations/${ACCOUNT}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await lookup()).status).toBe(200);

    const listed = await json<{ clients: ClientJson[] }>(await operator('GET', '/v1/operator/api-clients'));
    expect(listed.clients.find((c) => c.id === client.id)).toMatchObject({ keyPrefix: client.keyPrefix });
    expect(JSON.stringify(listed)).not.toContain(key);

    const revoked = await operator('POST', `/v1/operator/api-clients/${client.id}/revocation`);
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    expect((await json<{ client: ClientJson }>(revoked)).client.status).toBe('revoked');
    await expectProblem(await lookup(), 401, 'invalid-api-key');

    const entries = (await listAudit(server.assembled.db)).filter((entry) => entry.subjectId === client.id);
    expect(entries.map((entry) => [entry.action, entry.actorType])).toEqual([
      ['api_client.created', 'operator'],
      ['api_client.revoked', 'operator'],
    ]);
  });

  it('gives the regulator role to a verified person and takes it away, by national ID', async () => {
    const [person] = await signedInCitizens(server, 1);
    const grant = (granted: boolean) =>
      operator('POST', '/v1/operator/regulator-roles', { nationalId: person!.nationalId, granted });
    expect(await json(await grant(true))).toEqual({ identityId: person!.identityId, changed: true });
    expect(await json(await grant(true))).toEqual({ identityId: person!.identityId, changed: false });
    const listed = await json<{ officers: { identityId: string }[] }>(
      await operator('GET', '/v1/operator/regulators'),
    );
    expect(listed.officers.map((o) => o.identityId)).toContain(person!.identityId);
    // No national ID goes over the network.
    expect(JSON.stringify(listed)).not.toContain(person!.nationalId);
    expect(await json(await grant(false))).toEqual({ identityId: person!.identityId, changed: true });
    const after = await json<{ officers: { identityId: string }[] }>(
      await operator('GET', '/v1/operator/regulators'),
    );
    expect(after.officers.map((o) => o.identityId)).not.toContain(person!.identityId);
    const actions = (await listAudit(server.assembled.db))
      .filter((entry) => entry.subjectId === person!.identityId && entry.actorType === 'operator')
      .map((entry) => entry.action);
    expect(actions).toEqual(['identity.regulator_role_granted', 'identity.regulator_role_revoked']);
  });

  it('refuses bad input with a problem that says what is wrong', async () => {
    const base = { name: 'X', licenseNo: 'L', scopes: ['attestations:read'] };
    for (const body of [
      { ...base, scopes: ['everything'] },
      { ...base, scopes: [] },
      { ...base, name: '' },
      { ...base, rate: { perSecond: 0, burst: 1 } },
      { ...base, extra: true },
      { name: 'X' },
    ]) {
      await expectProblem(await operator('POST', '/v1/operator/api-clients', body), 422, 'validation-failed');
    }
    const notJson = await server.browser().request('POST', '/v1/operator/api-clients', {
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body: 'name=X',
    });
    await expectProblem(notJson, 415, 'unsupported-media-type');
    await expectProblem(
      await operator('POST', '/v1/operator/api-clients/00000000-0000-4000-8000-000000000000/revocation'),
      404,
      'not-found',
    );
    await expectProblem(
      await operator('POST', '/v1/operator/regulator-roles', { nationalId: '900101300001', granted: 'yes' }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await operator('POST', '/v1/operator/regulator-roles', { nationalId: '123', granted: true }),
      422,
      'invalid-national-id',
    );
    // A well-formed national ID of nobody verified here.
    await expectProblem(
      await operator('POST', '/v1/operator/regulator-roles', {
        nationalId: syntheticIins(500).at(-1)!,
        granted: true,
      }),
      404,
      'not-found',
    );
    // Nothing half-written: no client was created by any of the refusals.
    const clients = await json<{ clients: { name: string }[] }>(
      await operator('GET', '/v1/operator/api-clients'),
    );
    expect(clients.clients.filter((c) => c.name === 'X')).toEqual([]);
  });

  it('does not exist where OPERATOR_TOKEN_SHA256 is not set', async () => {
    const off = await startTestServer();
    try {
      const response = await off.browser().request('GET', '/v1/operator/api-clients', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      await expectProblem(response, 404, 'not-found');
    } finally {
      await off.close();
    }
  });
});

// The CLI here only speaks HTTP: run against the Node service on SQLite and against the
// Worker in workerd (the case it exists for); the database behind adds nothing.
describe.skipIf(process.env.TEST_DATABASE === 'postgres')('the CLI with OPERATOR_URL', () => {
  const run = promisify(execFile);
  const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-operator-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const cliAt = (url: string, token: string, ...args: string[]) => {
    const { PUBLIC_URL: _url, PORT: _port, DATABASE_URL: _db, ...env } = process.env;
    return run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'error', OPERATOR_URL: url, OPERATOR_TOKEN: token },
    });
  };
  const cli = (token: string, ...args: string[]) => cliAt(server.baseUrl, token, ...args);

  it('creates, lists and revokes clients and grants the role through the running service', async () => {
    const created = await cli(
      TOKEN,
      'clients',
      'create',
      '--name',
      'Remote exchange',
      '--license-no',
      'R-1',
      '--scopes',
      'attestations:read',
    );
    const id = /Client (\S+) /.exec(created.stdout)![1]!;
    const key = /API key \(shown once, store it now\): (\S+)/.exec(created.stdout)![1]!;
    const lookup = await server
      .browser()
      .request('GET', `/v1/attestations/${ACCOUNT}`, { headers: { authorization: `Bearer ${key}` } });
    expect(lookup.status).toBe(200);
    expect((await cli(TOKEN, 'clients', 'list')).stdout).toContain(id);
    expect((await cli(TOKEN, 'clients', 'revoke', id)).stdout).toMatch(new RegExp(`Client ${id} revoked at`));

    const [person] = await signedInCitizens(server, 1);
    expect((await cli(TOKEN, 'regulators', 'add', person!.nationalId)).stdout).toContain(
      `Granted regulator role to identity ${person!.identityId}`,
    );
    expect((await cli(TOKEN, 'regulators', 'list')).stdout).toContain(person!.identityId);
    // The database under DATA_DIR was never opened: the commands went to the service.
    expect(existsSync(join(dataDir, 'wallet-attest.db'))).toBe(false);
  });

  it('says the service cannot be reached when it is away, and exits with 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failed = await cliAt(`http://127.0.0.1:${port}`, TOKEN, 'clients', 'list').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(`http://127.0.0.1:${port} cannot be reached`);
  });

  it('says why when the token is wrong, and exits with 1', async () => {
    const failed = await cli('wrong', 'clients', 'list').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/401 The operator token is missing or wrong/);
  });
});
